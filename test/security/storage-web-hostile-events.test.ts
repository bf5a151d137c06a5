// @vitest-environment happy-dom
// Issue 11, finding 14 (web adapter): any script in the page can dispatch a `storage` event with
// whatever fields it likes. Only a well-typed notice for this storage area reaches subscribers;
// an ill-typed one (a key that is not a string) used to throw a raw TypeError in the listener.
import { afterEach, describe, expect, it } from 'vitest';
import type { StorageChange } from '../../src/storage/key-value-storage';
import { createWebStorage } from '../../src/storage/web-storage';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  localStorage.clear();
});

/** A `storage` event with arbitrary fields, as a hostile script could dispatch it. */
function hostileStorageEvent(fields: Record<string, unknown>): Event {
  const event = new Event('storage');
  for (const [name, value] of Object.entries(fields)) Object.defineProperty(event, name, { value });
  return event;
}

describe('web storage: hostile storage events', () => {
  it('ignores events whose key or newValue is not what a browser sends, without throwing, and still hears real ones', async () => {
    const storage = createWebStorage(localStorage, { locks: null });
    closers.push(() => storage.close());
    const changes: StorageChange[] = [];
    storage.subscribe((change) => void changes.push(change));
    const thrown: unknown[] = [];
    const onError = (event: ErrorEvent): void => {
      thrown.push(event.error);
      event.preventDefault();
    };
    window.addEventListener('error', onError);
    try {
      for (const fields of [{ key: 42 }, { key: {} }, { key: ['k'] }, { key: 'k', newValue: 42 }, { key: 'k', newValue: {} }]) {
        try {
          window.dispatchEvent(hostileStorageEvent({ storageArea: localStorage, newValue: null, ...fields }));
        } catch (error) {
          thrown.push(error);
        }
      }
    } finally {
      window.removeEventListener('error', onError);
    }
    expect(thrown).toEqual([]);
    expect(changes).toEqual([]);
    window.dispatchEvent(new StorageEvent('storage', { key: 'k', newValue: 'v', storageArea: localStorage }));
    expect(changes).toEqual([{ key: 'k', newValue: 'v' }]);
  });
});
