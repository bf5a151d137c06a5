import { afterEach, expect, it } from 'vitest';
import { createAuth, createMemoryStorage, toAuthState } from '../../src/index';
import { startEngineStack, type EngineStack } from '../support/engine-stack';
import { frozenTimersClock } from '../support/frozen-timers-clock';

// Found by reasoning over the model's SYNC transitions (root SYNC[isSharedClear]) and confirmed here.
// An engine whose own last storage write was a removal (it cleared, or its session expired)
// ignores the removal another context makes later: followSharedSession drops a change whose
// newValue equals its lastWrittenText, and both are null. So after it followed another tab's
// federation, that tab's sign-out never reaches it and it keeps serving the cleared session.

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

it('follows another context clearing the shared session even when its own last write was a removal', async () => {
  stack = await startEngineStack();
  const storage = createMemoryStorage();
  const follower = stack.engine({ storage, persistCredentials: true });
  const other = createAuth({
    identityPoolId: stack.pool.identityPoolId,
    endpoint: stack.pool.endpoint,
    storage,
    persistCredentials: true,
    shareSession: false,
    clock: frozenTimersClock(stack.clock),
  });
  try {
    // The follower federates and clears: its last write is a removal.
    await follower.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
    await follower.clearFederationToIdentityPool();
    // Another tab federates; the follower follows it.
    stack.clock.jump(1_000);
    const shared = await other.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'bob' }), provider: stack.issuer.loginsKey });
    await new Promise((resolve) => setImmediate(resolve));
    expect(toAuthState(follower.actor.getSnapshot())).toMatchObject({ value: 'federated', identityId: shared.identityId });
    expect((await follower.fetchAuthSession()).identityId).toBe(shared.identityId);
    // That tab signs out: the follower must drop the session too.
    stack.clock.jump(1_000);
    await other.clearFederationToIdentityPool();
    await new Promise((resolve) => setImmediate(resolve));
    expect(toAuthState(follower.actor.getSnapshot())).toEqual({ value: 'cleared' });
    expect(await follower.fetchAuthSession()).toEqual({});
  } finally {
    await other.stop();
  }
});
