import { CognitoIdentityClient, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { describe, expect, it } from 'vitest';
import { DEFAULT_IDENTITY_POOL_ID, startLocalIdentityPool } from '../../src/local/index';
import { rejectionOf } from './local-stack';

describe('startLocalIdentityPool options', () => {
  it('defaults to a us-east-1 pool on an ephemeral loopback port', async () => {
    const pool = await startLocalIdentityPool();
    await pool.close();
    expect(pool.identityPoolId).toBe(DEFAULT_IDENTITY_POOL_ID);
    expect(pool.region).toBe('us-east-1');
    expect(pool.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('takes the region from the pool id, or builds the pool id from the region', async () => {
    const fromId = await startLocalIdentityPool({ identityPoolId: 'eu-west-1:12345678-1234-4234-8234-123456789abc' });
    await fromId.close();
    expect(fromId.region).toBe('eu-west-1');
    const fromRegion = await startLocalIdentityPool({ region: 'ap-southeast-2' });
    await fromRegion.close();
    expect(fromRegion.identityPoolId).toMatch(/^ap-southeast-2:/);
  });

  it('throws a TypeError naming a wrong option', async () => {
    await expect(startLocalIdentityPool({ identityPoolId: 'nope' })).rejects.toThrow(/"identityPoolId"/);
    await expect(
      startLocalIdentityPool({ region: 'eu-west-1', identityPoolId: DEFAULT_IDENTITY_POOL_ID }),
    ).rejects.toThrow(/"region"/);
    await expect(startLocalIdentityPool({ credentialsTtlSeconds: 0 })).rejects.toThrow(/"credentialsTtlSeconds"/);
    await expect(startLocalIdentityPool({ port: 70000 })).rejects.toThrow(/"port"/);
    await expect(startLocalIdentityPool({ providers: { x: { issuer: 'not a url' } } })).rejects.toThrow(TypeError);
    await expect(
      startLocalIdentityPool({ providers: { 'cognito-identity.amazonaws.com': { opaque: true } } }),
    ).rejects.toThrow(TypeError);
  });
});

describe('close()', () => {
  it('closes keep-alive connections and pending latency faults, then refuses connections', async () => {
    const pool = await startLocalIdentityPool({ allowUnauthenticated: true });
    const cognito = new CognitoIdentityClient({ region: pool.region, endpoint: pool.endpoint, maxAttempts: 1 });
    await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId })); // leaves a keep-alive socket open
    pool.injectFault({ op: 'GetId', kind: 'latency', delayMs: 60_000 });
    const held = rejectionOf(cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId })));
    for (let i = 0; i < 1_000 && pool.stats().inFlight.GetId !== 1; i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(pool.stats().inFlight.GetId).toBe(1);

    await pool.close();
    expect(await held).toBeInstanceOf(Error);
    await expect(fetch(pool.endpoint, { method: 'POST' })).rejects.toThrow();
    cognito.destroy();
  });
});

describe('browser access', () => {
  it('answers CORS preflights (uncounted) and lets any origin read answers, Date included', async () => {
    const pool = await startLocalIdentityPool({ allowUnauthenticated: true });
    try {
      const preflight = await fetch(pool.endpoint, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://127.0.0.1:5173',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-amz-target,x-amz-user-agent',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
      expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type,x-amz-target,x-amz-user-agent');

      const answer = await fetch(pool.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.GetId' },
        body: JSON.stringify({ IdentityPoolId: pool.identityPoolId }),
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('access-control-allow-origin')).toBe('*');
      expect(answer.headers.get('access-control-expose-headers')).toContain('Date');
      expect(pool.stats().requests).toEqual({ GetId: 1 });
    } finally {
      await pool.close();
    }
  });
});
