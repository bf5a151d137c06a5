import { GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalIdentityPool, startLocalOidcIssuer, type LocalIdentityPool, type LocalOidcIssuer } from '../../src/local/index';
import { startLocalStack, type LocalStack } from '../local/local-stack';
import { rawExchange, rawRequest } from '../local/raw-request';

// Small server timeouts so a stalled connection is cut quickly; the test waits up to a generous real-time bound.
const TIMEOUTS = { headersTimeoutMs: 200, requestTimeoutMs: 400, keepAliveTimeoutMs: 200 };
const GENEROUS_BOUND_MS = 10_000;

let pool: LocalIdentityPool;
let issuer: LocalOidcIssuer;
let stack: LocalStack;
beforeAll(async () => {
  pool = await startLocalIdentityPool({ allowUnauthenticated: true, ...TIMEOUTS });
  issuer = await startLocalOidcIssuer(TIMEOUTS);
  stack = await startLocalStack({ allowUnauthenticated: true, allowedHosts: ['idpool.test'] });
});
afterAll(async () => {
  await pool.close();
  await issuer.close();
  await stack.close();
});

describe('local servers close stalled connections (finding 7)', () => {
  it.each([
    ['pool', () => pool.endpoint],
    ['issuer', () => issuer.issuer],
  ])('%s: headers that never finish → the server closes the socket', async (_, endpoint) => {
    const { closedByServer } = await rawExchange(endpoint(), 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', GENEROUS_BOUND_MS);
    expect(closedByServer).toBe(true);
  });

  it.each([
    ['pool', () => pool.endpoint],
    ['issuer', () => issuer.issuer],
  ])('%s: a body that never finishes → the server closes the socket', async (_, endpoint) => {
    const { closedByServer } = await rawExchange(
      endpoint(),
      'POST /authorize HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nusername=sl',
      GENEROUS_BOUND_MS,
    );
    expect(closedByServer).toBe(true);
  });

  it('an idle keep-alive connection is closed after keepAliveTimeoutMs', async () => {
    const { text, closedByServer } = await rawExchange(
      pool.endpoint,
      `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AWSCognitoIdentityService.GetId\r\nContent-Length: ${JSON.stringify({ IdentityPoolId: pool.identityPoolId }).length}\r\n\r\n${JSON.stringify({ IdentityPoolId: pool.identityPoolId })}`,
      GENEROUS_BOUND_MS,
    );
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(closedByServer).toBe(true);
  });

  it('rejects timeouts that are not positive numbers, naming the option', async () => {
    await expect(startLocalIdentityPool({ headersTimeoutMs: 0 })).rejects.toThrow(/"headersTimeoutMs"/);
    await expect(startLocalIdentityPool({ requestTimeoutMs: Number.NaN })).rejects.toThrow(/"requestTimeoutMs"/);
    await expect(startLocalIdentityPool({ headersTimeoutMs: 500, requestTimeoutMs: 100 })).rejects.toThrow(/"headersTimeoutMs"/);
    await expect(startLocalOidcIssuer({ keepAliveTimeoutMs: -1 })).rejects.toThrow(/"keepAliveTimeoutMs"/);
  });
});

const JSON_HEADERS = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.GetId' };

describe('local servers answer only Host values naming loopback or a configured host (finding 7, DNS rebinding)', () => {
  const port = (): string => new URL(stack.pool.endpoint).port;

  it.each(['evil.example', 'localhost.evil.example', '127.0.0.1.nip.io', '10.0.0.1', '[::2]', 'evil.example:80', ''])(
    'pool: Host %j → 403 AccessDeniedException, nothing created',
    async (host) => {
      stack.pool.resetStats();
      const reply = await rawRequest(stack.pool.endpoint, {
        headers: { ...JSON_HEADERS, host },
        body: JSON.stringify({ IdentityPoolId: stack.pool.identityPoolId }),
      });
      expect(reply.status).toBe(403);
      expect(JSON.parse(reply.body).__type).toBe('AccessDeniedException');
      expect(reply.body).not.toContain('IdentityId');
    },
  );

  it.each(['127.0.0.1', '127.9.8.7', 'localhost', 'LOCALHOST', '[::1]', 'idpool.test'])('pool: Host %s (with and without port) is served', async (host) => {
    for (const value of [host, `${host}:${port()}`]) {
      const reply = await rawRequest(stack.pool.endpoint, {
        headers: { ...JSON_HEADERS, host: value },
        body: JSON.stringify({ IdentityPoolId: stack.pool.identityPoolId }),
      });
      expect(reply.status).toBe(200);
    }
  });

  it('pool: a rebinding preflight and an STS call are refused too', async () => {
    const preflight = await rawRequest(stack.pool.endpoint, { method: 'OPTIONS', headers: { host: 'evil.example' } });
    expect(preflight.status).toBe(403);
    const sts = await rawRequest(stack.pool.endpoint, {
      headers: { host: 'evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity',
    });
    expect(sts.status).toBe(403);
    expect(sts.body).toContain('<ErrorResponse');
  });

  it('issuer: a foreign Host cannot mint tokens or read the login page', async () => {
    for (const path of ['/mint?sub=victim', '/authorize?redirect_uri=http://evil.example/', '/.well-known/openid-configuration']) {
      const reply = await rawRequest(stack.issuer.issuer, { method: 'GET', path, headers: { host: 'evil.example' } });
      expect(reply.status).toBe(403);
      expect(reply.body).not.toContain('id_token');
    }
    const ok = await rawRequest(stack.issuer.issuer, { method: 'GET', path: '/mint?sub=me', headers: { host: `localhost:${new URL(stack.issuer.issuer).port}` } });
    expect(ok.status).toBe(200);
  });

  it('issuer: a request target the URL parser refuses → 400, and the issuer keeps serving', async () => {
    const { text } = await rawExchange(stack.issuer.issuer, 'GET //[ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    const reply = await rawRequest(stack.issuer.issuer, { method: 'GET', path: '/.well-known/jwks.json' });
    expect(reply.status).toBe(200);
  });

  it('the real SDK keeps working against 127.0.0.1', async () => {
    const { IdentityId } = await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId }));
    expect(IdentityId).toBeDefined();
  });
});
