import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest, SourceData } from '@smithy/types';
import type { CredentialProcessOutput } from './credential-process-output';

class Sha256 extends Hash {
  constructor(secret?: SourceData) {
    super('sha256', secret);
  }
}

/** STS error codes that mean "these credentials are not (or no longer) valid here". */
const REJECTIONS = new Set(['InvalidClientTokenId', 'ExpiredToken', 'UnrecognizedClientException', 'InvalidToken']);
const CHECK_TIMEOUT_MS = 5_000;

export type CredentialsCheck = { readonly kind: 'accepted' } | { readonly kind: 'rejected'; readonly code: string } | { readonly kind: 'unknown' };

/**
 * Asks the endpoint's STS `GetCallerIdentity` (which needs no permission) whether it honours the
 * credentials. Used for a custom `--endpoint` (a local or test pool, which answers STS on the same
 * address and may have restarted since the credentials were cached); any answer that is not a
 * clear rejection — a network error, a timeout, another error — is `unknown`, and the caller goes on.
 */
export async function checkCredentials(endpoint: string, region: string, credentials: CredentialProcessOutput): Promise<CredentialsCheck> {
  const url = new URL(endpoint);
  const body = 'Action=GetCallerIdentity&Version=2011-06-15';
  const signer = new SignatureV4({
    credentials: { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken },
    region,
    service: 'sts',
    sha256: Sha256,
  });
  const request: HttpRequest = {
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port === '' ? {} : { port: Number(url.port) }),
    path: url.pathname,
    query: {},
    headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  };
  try {
    const signed = await signer.sign(request);
    const response = await fetch(url, { method: 'POST', headers: signed.headers, body, signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
    const text = (await response.text()).slice(0, 16_384);
    if (response.ok) return { kind: 'accepted' };
    const code = /<Code>([A-Za-z]{1,64})<\/Code>/.exec(text)?.[1];
    return code !== undefined && REJECTIONS.has(code) ? { kind: 'rejected', code } : { kind: 'unknown' };
  } catch {
    return { kind: 'unknown' };
  }
}
