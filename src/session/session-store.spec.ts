import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../storage/memory-storage';
import type { StorageLease } from '../storage/key-value-storage';
import { SessionStore } from './session-store';

function storeAndLease() {
  const store = new SessionStore({
    storage: createMemoryStorage(),
    identityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000',
    namespace: 'default',
    writer: 'w1',
    persistCredentials: false,
    now: () => 1_700_000_000_000,
    onFailure: () => undefined,
    onSessionCleared: () => undefined,
  });
  let released = 0;
  const lease: StorageLease = {
    async release() {
      released += 1;
    },
  };
  return { store, lease, released: () => released };
}

describe('a refresh lease handed to the session store', () => {
  it('is released once the next storage operation has settled, not before', async () => {
    const { store, lease, released } = storeAndLease();
    store.releaseAfterNextOperation(lease);
    await Promise.resolve();
    expect(released()).toBe(0);
    await store.write({ sessionId: 's1', identityId: 'us-east-1:00000000-0000-4000-8000-000000000001' });
    await store.flushed();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(released()).toBe(1);
  });

  it('is released at once when the engine lets go of it, and only once', async () => {
    const { store, lease, released } = storeAndLease();
    store.releaseAfterNextOperation(lease);
    await store.releaseHeldLease();
    expect(released()).toBe(1);
    await store.write({});
    await store.flushed();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(released()).toBe(1);
  });
});
