import {
  identityNotFound,
  identityPoolNotFound,
  internalError,
  loginsDoNotMatch,
  tooManyRequests,
  type CognitoError,
} from './cognito-errors';
import type { ActiveFault } from './faults';
import { parseJsonBody } from './input-validation';
import { stsError, type StsResponse } from './sts-handler';

/** The Cognito error a fault stands for; resourceNotFound names the identity or pool the request did. */
export function cognitoFaultError(fault: ActiveFault, body: string, identityPoolId: string): CognitoError | undefined {
  switch (fault.kind) {
    case 'throttle':
      return tooManyRequests();
    case 'internal':
      return internalError();
    case 'notAuthorized':
      return loginsDoNotMatch();
    case 'resourceNotFound': {
      let input: Record<string, unknown> = {};
      try {
        input = parseJsonBody(body);
      } catch {
        // a malformed body still gets the injected answer
      }
      const identityId = Object.hasOwn(input, 'IdentityId') ? input.IdentityId : undefined;
      const poolId = Object.hasOwn(input, 'IdentityPoolId') ? input.IdentityPoolId : undefined;
      if (typeof identityId === 'string') return identityNotFound(identityId);
      return identityPoolNotFound(typeof poolId === 'string' ? poolId : identityPoolId);
    }
    default:
      return undefined;
  }
}

/** The STS error a fault stands for. */
export function stsFaultError(fault: ActiveFault): StsResponse | undefined {
  switch (fault.kind) {
    case 'throttle':
      return stsError(400, 'Throttling', 'Rate exceeded');
    case 'internal':
      return stsError(500, 'InternalFailure', 'An internal error occurred.');
    case 'notAuthorized':
      return stsError(403, 'AccessDenied', 'User is not authorized to perform: sts:GetCallerIdentity');
    case 'resourceNotFound':
      return stsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    default:
      return undefined;
  }
}
