import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStorage, toAuthState, type KeyValueStorage } from '../../src/index';
import { sessionKey } from '../../src/session/session-store';
import { startEngineStack, untilIdle, type EngineStack } from '../support/engine-stack';
import { flushIo } from '../support/test-clock';

// Two tabs on one storage, guest access on. Tab A signs in; tab B, signed out, has not followed
// (credentials are not persisted, so there is nothing to follow; or B's notice is late). B then
// fetches guest credentials and wrote its guest-only record over A's federation: A read that as
// a clear and signed out, and a reload came back signed out.

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** `inner` without change notices: B never hears of A's sign-in. */
function deaf(inner: Required<KeyValueStorage>): Required<KeyValueStorage> {
  return { ...inner, subscribe: () => () => {} };
}

describe.each([
  { persistCredentials: false, what: 'credentials not persisted: nothing to follow', deafB: false },
  { persistCredentials: true, what: "B's notice of the sign-in never arrives", deafB: true },
])('a signed-out tab fetching guest credentials while another is signed in ($what)', ({ persistCredentials, deafB }) => {
  it("does not sign the other tab's user out, here or on the next start", async () => {
    stack = await startEngineStack({ allowUnauthenticated: true });
    const shared = createMemoryStorage();
    const options = { persistCredentials, allowGuestAccess: true };
    const a = stack.engine({ storage: shared, ...options });
    const b = stack.engine({ storage: deafB ? deaf(shared) : shared, ...options });
    const alice = await a.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
    await untilIdle(b);
    const record = await shared.getItem(sessionKey('default', stack.pool.identityPoolId));

    const guest = await b.fetchAuthSession();
    expect(guest.credentials).toBeDefined();
    expect(guest.federatedProvider).toBeUndefined();
    await untilIdle(b);
    await flushIo();

    expect(toAuthState(a.actor.getSnapshot()).value).toBe('federated');
    expect((await a.fetchAuthSession()).identityId).toBe(alice.identityId);
    expect(await shared.getItem(sessionKey('default', stack.pool.identityPoolId))).toBe(record);
    const reloaded = stack.engine({ storage: shared, ...options });
    await untilIdle(reloaded);
    const restored = await reloaded.fetchAuthSession();
    expect(restored.identityId).toBe(alice.identityId);
    expect(restored.federatedProvider).toBe(stack.issuer.loginsKey);
  });
});
