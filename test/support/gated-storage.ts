import type { KeyValueStorage } from '../../src/index';
import type { CallGate } from './call-gate';

/**
 * The same storage, with its first `reads` `getItem` calls held at `gate` (kind `storageRead`):
 * a test decides when the engine's restore reads, and can fail the read. Writes, change
 * notifications and leases go straight through.
 */
export function createGatedStorage(storage: Required<KeyValueStorage>, gate: CallGate, reads = 1): Required<KeyValueStorage> {
  let gated = reads;
  return {
    async getItem(key) {
      if (gated > 0) {
        gated -= 1;
        await gate.hold('storageRead', { key });
      }
      return storage.getItem(key);
    },
    setItem: (key, value) => storage.setItem(key, value),
    removeItem: (key) => storage.removeItem(key),
    subscribe: (listener) => storage.subscribe(listener),
    tryAcquireLease: (key, ttlMs) => storage.tryAcquireLease(key, ttlMs),
    close: () => Promise.resolve(),
  };
}
