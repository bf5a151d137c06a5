import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalIdentityPool, startLocalOidcIssuer, type LocalIdentityPool, type LocalOidcIssuer } from '../../src/local/index';
import { bundleEngine, startEnginePeer, type EnginePeer, type PeerConfig } from './engine-peer';
import { GENEROUS_BOUND_MS } from '../support/generous-bound';
import { startBenchRedisServer as startRedisServer, type BenchRedisServer as RedisServer } from '../../bench/lib/redis-server';

let issuer: LocalOidcIssuer;
let pool: LocalIdentityPool;
let bundle: string;
beforeAll(async () => {
  issuer = await startLocalOidcIssuer();
  // Real time here: short credentials so an expiry happens within the test.
  pool = await startLocalIdentityPool({ credentialsTtlSeconds: 5, providers: { [issuer.loginsKey]: { issuer: issuer.issuer } } });
  bundle = await bundleEngine();
});
afterAll(async () => {
  await pool?.close();
  await issuer?.close();
});

/** Runs the sharing scenario over any set of peers sharing one storage. */
async function shareSession(peers: EnginePeer[]) {
  const [first, ...followers] = peers as [EnginePeer, ...EnginePeer[]];
  pool.resetStats();
  const identityId = await first.call<string>('federate', { token: await issuer.mintToken({ sub: 'alice' }, { expiresIn: 3_600 }), provider: issuer.loginsKey });
  for (const follower of followers) await follower.until('federated');
  for (const follower of followers) {
    expect(await follower.call('fetch')).toMatchObject({ identityId });
  }
  expect(pool.stats().requests).toEqual({ GetId: 1, GetCredentialsForIdentity: 1 });

  // 5-second credentials refreshed 1 s before expiry: all alive, exactly one refresh request.
  // Real clocks in real threads and processes: wait for the refresh to reach every context (a
  // generous bound), not a fixed time.
  const original = (await first.call<{ accessKeyId: string }>('fetch')).accessKeyId;
  const served = async () => new Set((await Promise.all(peers.map((peer) => peer.call<{ accessKeyId: string }>('fetch')))).map((s) => s.accessKeyId));
  const deadline = Date.now() + GENEROUS_BOUND_MS;
  let keys = await served();
  while ((keys.size !== 1 || keys.has(original)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    keys = await served();
  }
  expect(keys.size).toBe(1);
  expect(keys.has(original)).toBe(false);
  expect(pool.stats().requests).toEqual({ GetId: 1, GetCredentialsForIdentity: 2 });

  await first.call('clear');
  for (const follower of followers) await follower.until('cleared');
  for (const follower of followers) expect(await follower.call('fetch')).toEqual({});
  for (const peer of peers) await peer.call('stop');
  const codes = await Promise.all(peers.map((peer) => peer.exited));
  expect(codes).toEqual(peers.map(() => 0));
}

describe('two worker threads sharing a file store', () => {
  it('follow each other without requests of their own, and refresh once between them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idpool-share-'));
    const config: PeerConfig = { bundle, identityPoolId: pool.identityPoolId, endpoint: pool.endpoint, storage: { kind: 'file', path: join(dir, 'session.json') }, options: { refreshAheadMs: 1_000 } };
    const peers = [await startEnginePeer('thread', config), await startEnginePeer('thread', config)];
    try {
      await shareSession(peers);
    } finally {
      for (const peer of peers) peer.kill();
      await rm(dir, { recursive: true, force: true });
    }
  }, 40_000);
});

describe('three Node processes sharing Redis', () => {
  let redis: RedisServer | undefined;
  let url = '';
  beforeAll(async () => {
    redis = await startRedisServer();
    url = redis.url;
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('follow each other without requests of their own, and refresh once between them', async () => {
    const config: PeerConfig = { bundle, identityPoolId: pool.identityPoolId, endpoint: pool.endpoint, storage: { kind: 'redis', url, prefix: `t${Date.now()}:` }, options: { refreshAheadMs: 1_000 } };
    const peers = await Promise.all([1, 2, 3].map(() => startEnginePeer('process', config)));
    try {
      await shareSession(peers);
    } finally {
      for (const peer of peers) peer.kill();
    }
  }, 40_000);
});
