import { createHash, randomUUID } from 'node:crypto';
import type { CredentialsStore } from './credentials-store';
import { LOCAL_ACCOUNT_ID } from './local-defaults';
import { parseAuthorization, signatureMatches, signingTimeProblem, type SignedRequest } from './sigv4-verifier';

/** An STS answer in the awsQuery protocol: XML body, the status STS uses. */
export interface StsResponse {
  readonly status: number;
  readonly xml: string;
  /** Error code when the answer is an error. */
  readonly errorCode?: string;
}

const ROLE_SESSION_NAME = 'CognitoIdentityCredentials';
const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function stsError(status: number, code: string, message: string): StsResponse {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  const xml =
    `<ErrorResponse xmlns="${NAMESPACE}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${escapeXml(code)}</Code>\n` +
    `    <Message>${escapeXml(message)}</Message>\n  </Error>\n  <RequestId>${randomUUID()}</RequestId>\n</ErrorResponse>\n`;
  return { status, xml, errorCode: code };
}

/** The STS action a form-encoded body asks for, if any. */
export function stsAction(body: string): string | undefined {
  return new URLSearchParams(body).get('Action') ?? undefined;
}

// A stable role id per role name, shaped like AWS's unique ids (`AROA` + 17 characters).
function roleId(roleName: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(roleName).digest();
  let id = 'AROA';
  for (let i = 0; i < 17; i += 1) id += alphabet[(digest[i] as number) % alphabet.length];
  return id;
}

/**
 * STS GetCallerIdentity for credentials this pool issued: the SigV4 signature
 * is recomputed from the issued secret, and the credentials must not have expired.
 */
export async function handleSts(
  request: SignedRequest,
  credentials: CredentialsStore,
  region: string,
  now: number,
): Promise<StsResponse> {
  const parsed = parseAuthorization(request.headers);
  if (parsed.kind === 'missing') return stsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  if (parsed.kind === 'malformed') return stsError(400, 'IncompleteSignature', parsed.message);
  const auth = parsed.authorization;
  const issued = credentials.find(auth.accessKeyId);
  if (issued === undefined || request.headers['x-amz-security-token'] !== issued.sessionToken) {
    return stsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  }
  if (now >= issued.expiration) {
    return stsError(403, 'ExpiredToken', 'The security token included in the request is expired');
  }
  if (auth.service !== 'sts') {
    return stsError(403, 'SignatureDoesNotMatch', "Credential should be scoped to correct service: 'sts'. ");
  }
  if (auth.region !== region) {
    return stsError(403, 'SignatureDoesNotMatch', `Credential should be scoped to a valid region, not '${auth.region}'. `);
  }
  const timeProblem = signingTimeProblem(auth, now);
  if (timeProblem !== undefined) return stsError(403, 'SignatureDoesNotMatch', timeProblem);
  if (!(await signatureMatches(request, auth, issued.secretAccessKey))) {
    return stsError(403, 'SignatureDoesNotMatch', SIGNATURE_MISMATCH);
  }

  const params = new URLSearchParams(request.body);
  const action = params.get('Action');
  if (action !== 'GetCallerIdentity') {
    return stsError(400, 'InvalidAction', `Could not find operation ${action ?? ''} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`);
  }
  // Cognito assumes the role with the session name `CognitoIdentityCredentials`; AWS's UserId for an
  // assumed role is `<role id>:<session name>`, so neither names the identity.
  const arn = `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/${issued.roleName}/${ROLE_SESSION_NAME}`;
  const userId = `${roleId(issued.roleName)}:${ROLE_SESSION_NAME}`;
  const xml =
    `<GetCallerIdentityResponse xmlns="${NAMESPACE}">\n  <GetCallerIdentityResult>\n` +
    `    <Arn>${escapeXml(arn)}</Arn>\n    <UserId>${escapeXml(userId)}</UserId>\n    <Account>${LOCAL_ACCOUNT_ID}</Account>\n` +
    `  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>${randomUUID()}</RequestId>\n  </ResponseMetadata>\n` +
    `</GetCallerIdentityResponse>\n`;
  return { status: 200, xml };
}
