import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { SignJWT, base64url, exportSPKI, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../local/local-stack';
import { rawExchange, rawRequest } from '../local/raw-request';

// An attacker's second round against idpool/local: each attack here is answered as Cognito would,
// with a 4xx and nothing created or linked.

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ allowUnauthenticated: true });
});
afterAll(async () => {
  await stack.close();
});

const port = (): string => new URL(stack.pool.endpoint).port;

async function call(op: string, body: unknown): Promise<{ status: number; json: { __type?: string; message?: string; IdentityId?: string; Token?: string } }> {
  const reply = await rawRequest(stack.pool.endpoint, {
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityService.${op}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: reply.status, json: JSON.parse(reply.body) as never };
}

async function expectBadLogin(token: string): Promise<void> {
  const { status, json } = await call('GetId', { IdentityPoolId: stack.pool.identityPoolId, Logins: { [stack.issuer.loginsKey]: token } });
  expect(status).toBe(400);
  expect(json.__type).toBe('NotAuthorizedException');
  expect(json.message).not.toContain(token.slice(0, 20));
}

describe('local pool: forged and tampered login tokens', () => {
  it('alg none, HS256 keyed with the public key, and hostile JWS headers → NotAuthorizedException', async () => {
    const good = await stack.issuer.mintToken({ sub: 'alice' });
    const [, payload, signature] = good.split('.') as [string, string, string];
    const header = (value: unknown): string => base64url.encode(JSON.stringify(value));
    await expectBadLogin(`${header({ alg: 'none' })}.${payload}.`);
    for (const hostile of [{ alg: 'RS256', kid: { a: 1 } }, { alg: ['RS256'] }, { alg: 'RS256', crit: ['b64'], b64: false }, { alg: 'RS256', jwk: { kty: 'RSA' } }]) {
      await expectBadLogin(`${header(hostile)}.${payload}.${signature}`);
    }
    const jwks = (await (await fetch(`${stack.issuer.issuer}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
    const spki = await exportSPKI((await importJWK(jwks.keys[0] as JWK, 'RS256')) as CryptoKey);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const hs256 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: jwks.keys[0]?.kid as string }).sign(new TextEncoder().encode(spki));
    await expectBadLogin(hs256);
  });

  it("the pool's own OpenID token is refused for another identity, in GetId, and under an issuer's key", async () => {
    const guest = (await call('GetId', { IdentityPoolId: stack.pool.identityPoolId })).json.IdentityId as string;
    const other = (await call('GetId', { IdentityPoolId: stack.pool.identityPoolId })).json.IdentityId as string;
    const token = (await call('GetOpenIdToken', { IdentityId: guest })).json.Token as string;
    const replay = await call('GetCredentialsForIdentity', { IdentityId: other, Logins: { 'cognito-identity.amazonaws.com': token } });
    expect(replay.json.__type).toBe('NotAuthorizedException');
    const viaGetId = await call('GetId', { IdentityPoolId: stack.pool.identityPoolId, Logins: { 'cognito-identity.amazonaws.com': token } });
    expect(viaGetId.json.__type).toBe('NotAuthorizedException');
    await expectBadLogin(token);
  });
});

describe('local pool: hostile request bodies and headers', () => {
  it('deeply nested JSON, duplicate members and eleven Logins → 400 with Cognito shapes', async () => {
    expect((await call('GetId', '['.repeat(100_000))).json.__type).toBe('SerializationException');
    expect((await call('GetId', '{"a":'.repeat(100_000))).json.__type).toBe('SerializationException');
    const duplicate = `{"IdentityPoolId":"${stack.pool.identityPoolId}","Logins":{"graph.facebook.com":"a:b"},"Logins":{"__proto__":"x"}}`;
    expect((await call('GetId', duplicate)).json.__type).toBe('NotAuthorizedException');
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}.example`, 'x']));
    const tooMany = await call('GetId', { IdentityPoolId: stack.pool.identityPoolId, Logins: eleven });
    expect(tooMany.json.__type).toBe('ValidationException');
  });

  it('control and non-ASCII bytes in headers never give a 5xx', async () => {
    for (const value of ['x\x7fy', 'x\x01y', 'caf\xe9', '\xff\xfe']) {
      for (const name of ['Access-Control-Request-Headers', 'X-Amz-Target', 'Authorization', 'Origin']) {
        const method = name === 'Access-Control-Request-Headers' ? 'OPTIONS' : 'POST';
        const { text } = await rawExchange(
          stack.pool.endpoint,
          `${method} / HTTP/1.1\r\nHost: 127.0.0.1:${port()}\r\n${name}: ${value}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
        );
        expect(text).toMatch(/^HTTP\/1\.1 [234]\d\d /);
      }
    }
  });

  it('STS: a presigned (query-string) request, an uppercase-hex signature and two x-amz-date headers are refused', async () => {
    const Logins = { [stack.issuer.loginsKey]: await stack.issuer.mintToken({ sub: 'signer' }) };
    const { IdentityId } = await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins }));
    const { Credentials } = await stack.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
    const credentials = { accessKeyId: Credentials?.AccessKeyId as string, secretAccessKey: Credentials?.SecretKey as string, sessionToken: Credentials?.SessionToken as string };
    class Sha256 extends Hash {
      constructor(secret?: SourceData) {
        super('sha256', secret);
      }
    }
    const signer = new SignatureV4({ credentials, region: stack.pool.region, service: 'sts', sha256: Sha256 });
    const url = new URL(stack.pool.endpoint);
    const presigned = await signer.presign({ method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: { Action: 'GetCallerIdentity', Version: '2011-06-15' }, headers: { host: url.host } });
    const query = new URLSearchParams(presigned.query as Record<string, string>).toString();
    const get = await rawRequest(stack.pool.endpoint, { method: 'GET', path: `/?${query}` });
    expect(get.status).toBeGreaterThanOrEqual(400);
    expect(get.status).toBeLessThan(500);
    expect(get.body).not.toContain('GetCallerIdentityResult');

    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, path: '/', headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' }, body });
    const headers = signed.headers as Record<string, string>;
    const ok = await rawRequest(stack.pool.endpoint, { headers: { ...headers, host: url.host }, body });
    expect(ok.status).toBe(200);
    const upper = (headers.authorization as string).replace(/Signature=([0-9a-f]+)/, (_, hex: string) => `Signature=${hex.toUpperCase()}`);
    const shouting = await rawRequest(stack.pool.endpoint, { headers: { ...headers, authorization: upper, host: url.host }, body });
    expect(shouting.status).toBeGreaterThanOrEqual(400);
    expect(shouting.body).not.toContain('GetCallerIdentityResult');
    const lines = Object.entries({ ...headers, host: url.host, 'content-length': String(body.length), connection: 'close' }).map(([k, v]) => `${k}: ${v}`);
    const { text } = await rawExchange(stack.pool.endpoint, `POST / HTTP/1.1\r\n${lines.join('\r\n')}\r\nx-amz-date: 20200101T000000Z\r\n\r\n${body}`);
    expect(text).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect(text).not.toContain('GetCallerIdentityResult');
  });
});

describe('local pool: Host variants (DNS rebinding)', () => {
  const getId = (host: string, path = '/'): Promise<{ status: number }> =>
    rawRequest(stack.pool.endpoint, {
      path,
      headers: { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.GetId' },
      body: JSON.stringify({ IdentityPoolId: stack.pool.identityPoolId }),
    });

  it.each(['localhost.', '127.1', '0x7f.0.0.1', '[::ffff:127.0.0.1]', 'user@127.0.0.1', 'localhost@evil.example', '127.0.0.1 evil.example'])(
    'Host %j → 403',
    async (host) => {
      expect((await getId(host)).status).toBe(403);
    },
  );

  it('two Host headers: the first decides, so a foreign first one is refused', async () => {
    const body = JSON.stringify({ IdentityPoolId: stack.pool.identityPoolId });
    const { text } = await rawExchange(
      stack.pool.endpoint,
      `POST / HTTP/1.1\r\nHost: evil.example\r\nHost: 127.0.0.1:${port()}\r\nContent-Type: application/x-amz-json-1.1\r\n` +
        `X-Amz-Target: AWSCognitoIdentityService.GetId\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(text).toMatch(/^HTTP\/1\.1 (400|403) /);
    expect(text).not.toContain('IdentityId');
  });

  it('an absolute-form request target naming another host → 403, on the pool and the issuer', async () => {
    expect((await getId(`127.0.0.1:${port()}`, 'http://evil.example/')).status).toBe(403);
    const issuerPort = new URL(stack.issuer.issuer).port;
    const mint = await rawRequest(stack.issuer.issuer, { method: 'GET', path: 'http://evil.example/mint?sub=victim', headers: { host: `127.0.0.1:${issuerPort}` } });
    expect(mint.status).toBe(403);
    // An absolute-form target naming this server is served.
    expect((await getId(`127.0.0.1:${port()}`, `http://127.0.0.1:${port()}/`)).status).toBe(200);
  });
});
