/**
 * An error answered in Cognito Identity's awsJson1.1 shape:
 * `{ "__type": name, "message": message }` with Cognito's HTTP status.
 */
export class CognitoError extends Error {
  override readonly name: string;
  readonly status: number;

  constructor(name: string, message: string, status = 400) {
    super(message);
    this.name = name;
    this.status = status;
  }
}

// Messages below are the ones Cognito Identity answers with (seen in the wild).
export const notAuthorized = (message: string): CognitoError => new CognitoError('NotAuthorizedException', message);

export const invalidLoginToken = (detail: string): CognitoError =>
  notAuthorized(`Invalid login token. ${detail}`);

export const unsupportedProvider = (): CognitoError =>
  notAuthorized('Token is not from a supported provider of this identity pool.');

export const loginsDoNotMatch = (): CognitoError =>
  notAuthorized("Logins don't match. Please include at least one valid login for this identity or identity pool.");

export const unauthenticatedNotSupported = (): CognitoError =>
  notAuthorized('Unauthenticated access is not supported for this identity pool.');

export const identityForbidden = (identityId: string): CognitoError =>
  notAuthorized(`Access to Identity '${identityId}' is forbidden.`);

export const identityNotFound = (identityId: string): CognitoError =>
  new CognitoError('ResourceNotFoundException', `Identity '${identityId}' not found.`);

export const identityPoolNotFound = (identityPoolId: string): CognitoError =>
  new CognitoError('ResourceNotFoundException', `IdentityPool '${identityPoolId}' not found.`);

export const invalidParameter = (message: string): CognitoError =>
  new CognitoError('InvalidParameterException', message);

// Cognito's API documents InvalidParameterException for bad input; a role the pool does not grant is one.
export const customRoleNotGranted = (): CognitoError =>
  invalidParameter('CustomRoleArn names a role this identity pool does not grant to these logins.');

export const accessDenied = (message: string): CognitoError => new CognitoError('AccessDeniedException', message, 403);

export const serializationError = (message: string): CognitoError =>
  new CognitoError('SerializationException', message);

export const unknownOperation = (): CognitoError => new CognitoError('UnknownOperationException', '');

export const tooManyRequests = (): CognitoError => new CognitoError('TooManyRequestsException', 'Rate exceeded');

export const internalError = (): CognitoError =>
  new CognitoError('InternalErrorException', 'An internal error has occurred.', 500);

export const externalServiceError = (message: string): CognitoError =>
  new CognitoError('ExternalServiceException', message);
