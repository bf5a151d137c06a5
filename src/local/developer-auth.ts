import { CognitoError } from './cognito-errors';
import type { DeveloperCredentials } from './identity-pool-options';
import { parseAuthorization, signatureMatches, signingTimeProblem, type SignedRequest } from './sigv4-verifier';

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/**
 * GetOpenIdTokenForDeveloperIdentity is for your backend only: AWS accepts it
 * only SigV4-signed with IAM credentials, so the pool checks the signature
 * against `developerCredentials` and answers with AWS's authentication errors.
 */
export async function authorizeDeveloperRequest(
  request: SignedRequest,
  credentials: DeveloperCredentials,
  region: string,
  now: number,
): Promise<void> {
  const parsed = parseAuthorization(request.headers);
  // Cognito's JSON front end words it this way (STS, an awsQuery service, says "Request is missing …").
  if (parsed.kind === 'missing') throw new CognitoError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  if (parsed.kind === 'malformed') throw new CognitoError('IncompleteSignatureException', parsed.message);
  const auth = parsed.authorization;
  if (auth.accessKeyId !== credentials.accessKeyId || request.headers['x-amz-security-token'] !== undefined) {
    throw new CognitoError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (auth.service !== 'cognito-identity') {
    throw new CognitoError('InvalidSignatureException', "Credential should be scoped to correct service: 'cognito-identity'. ");
  }
  if (auth.region !== region) {
    throw new CognitoError('InvalidSignatureException', `Credential should be scoped to a valid region, not '${auth.region}'. `);
  }
  const timeProblem = signingTimeProblem(auth, now);
  if (timeProblem !== undefined) throw new CognitoError('InvalidSignatureException', timeProblem);
  if (!(await signatureMatches(request, auth, credentials.secretAccessKey))) {
    throw new CognitoError('InvalidSignatureException', SIGNATURE_MISMATCH);
  }
}
