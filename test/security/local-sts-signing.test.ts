import { createHash } from 'node:crypto';
import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf, startLocalStack, stsClient, type LocalStack } from '../local/local-stack';
import { rawRequest } from '../local/raw-request';

let stack: LocalStack;
let credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
beforeAll(async () => {
  stack = await startLocalStack();
  const Logins = { [stack.issuer.loginsKey]: await stack.issuer.mintToken({ sub: 'signer' }) };
  const { IdentityId } = await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins }));
  const { Credentials } = await stack.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
  credentials = {
    accessKeyId: Credentials?.AccessKeyId as string,
    secretAccessKey: Credentials?.SecretKey as string,
    sessionToken: Credentials?.SessionToken as string,
  };
});
afterAll(async () => {
  await stack.close();
});

class Sha256 extends Hash {
  constructor(secret?: SourceData) {
    super('sha256', secret);
  }
}

const BODY = 'Action=GetCallerIdentity&Version=2011-06-15';

/** A GetCallerIdentity request signed by the real SigV4 signer, with the tweak under test. */
async function signedCall(tweak: { omitHost?: boolean; contentSha256?: string; body?: string }): Promise<{ status: number; body: string }> {
  const url = new URL(stack.pool.endpoint);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  if (tweak.omitHost !== true) headers.host = url.host;
  if (tweak.contentSha256 !== undefined) headers['x-amz-content-sha256'] = tweak.contentSha256;
  const signer = new SignatureV4({ credentials, region: stack.pool.region, service: 'sts', sha256: Sha256 });
  const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, path: '/', headers, body: BODY });
  const sent: Record<string, string> = { ...(signed.headers as Record<string, string>), host: url.host };
  return rawRequest(stack.pool.endpoint, { headers: sent, body: tweak.body ?? BODY });
}

describe('local STS: the SigV4 check covers region, host and payload (finding 5)', () => {
  it('a correctly signed request is answered (control)', async () => {
    const reply = await signedCall({});
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<GetCallerIdentityResult>');
  });

  it('a signature scoped to another region → 403 SignatureDoesNotMatch', async () => {
    const sts = stsClient({ ...stack.pool, region: 'eu-west-1' }, credentials);
    const error = await rejectionOf(sts.send(new GetCallerIdentityCommand({})));
    sts.destroy();
    expect(error.name).toBe('SignatureDoesNotMatch');
    expect(error.$metadata?.httpStatusCode).toBe(403);
    expect(error.message).toContain("Credential should be scoped to a valid region, not 'eu-west-1'");
  });

  it('a signature that does not cover the host header → 403 SignatureDoesNotMatch', async () => {
    const reply = await signedCall({ omitHost: true });
    expect(reply.status).toBe(403);
    expect(reply.body).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('UNSIGNED-PAYLOAD → 403, even when the body is the one the client meant', async () => {
    const reply = await signedCall({ contentSha256: 'UNSIGNED-PAYLOAD' });
    expect(reply.status).toBe(403);
    expect(reply.body).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('a payload hash that does not match the body → 403; one that matches → 200', async () => {
    const claimed = createHash('sha256').update(BODY).digest('hex');
    expect((await signedCall({ contentSha256: claimed })).status).toBe(200);
    const tampered = await signedCall({ contentSha256: claimed, body: `${BODY}&Extra=1` });
    expect(tampered.status).toBe(403);
  });
});
