import { afterEach, expect, it, vi } from 'vitest';
import { createAuth } from '../../src/index';
import { startLocalIdentityPool, startLocalOidcIssuer } from '../../src/local/index';
import { untilIdle } from '../support/engine-stack';

afterEach(() => {
  vi.useRealTimers();
});

it('works under vitest fake timers with the default clock: 4-second credentials refreshed once per lifetime', async () => {
  // Date and timers are faked for the engine and the pool alike; sockets stay real.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(Math.ceil(Date.now() / 1000) * 1000);
  const issuer = await startLocalOidcIssuer();
  const pool = await startLocalIdentityPool({ credentialsTtlSeconds: 4, providers: { [issuer.loginsKey]: { issuer: issuer.issuer } } });
  const auth = createAuth({ identityPoolId: pool.identityPoolId, endpoint: pool.endpoint, refreshAheadMs: 1_000 });
  try {
    await auth.federateToIdentityPool({ token: await issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: issuer.loginsKey });
    pool.resetStats();
    for (let i = 0; i < 20; i++) {
      await vi.advanceTimersByTimeAsync(3_000);
      await untilIdle(auth);
      const session = await auth.fetchAuthSession();
      expect(session.credentials!.expiration.getTime()).toBeGreaterThan(Date.now());
    }
    expect(pool.stats().requests).toEqual({ GetCredentialsForIdentity: 20 });
  } finally {
    await auth.stop();
    vi.useRealTimers();
    await pool.close();
    await issuer.close();
  }
});
