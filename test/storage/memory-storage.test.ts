import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/storage/memory-storage';
import type { StorageChange } from '../../src/storage/key-value-storage';
import { describeStorageContract } from './storage-contract';

describeStorageContract(
  'memory storage',
  async () => {
    const storage = createMemoryStorage();
    return { storage, peer: storage, dispose: () => storage.close() };
  },
  { largeValueLength: 1_000_000 },
);

describe('createMemoryStorage', () => {
  it('tells every subscriber of the same object about each write, before the write settles', async () => {
    const storage = createMemoryStorage();
    const first: StorageChange[] = [];
    const second: StorageChange[] = [];
    storage.subscribe((change) => first.push(change));
    storage.subscribe((change) => second.push(change));
    await storage.setItem('session', 'a');
    await storage.removeItem('session');
    expect(first).toEqual([
      { key: 'session', newValue: 'a' },
      { key: 'session', newValue: null },
    ]);
    expect(second).toEqual(first);
  });

  it('keeps separate objects apart', async () => {
    const one = createMemoryStorage();
    const two = createMemoryStorage();
    const seen: StorageChange[] = [];
    two.subscribe((change) => seen.push(change));
    await one.setItem('k', 'v');
    expect(await two.getItem('k')).toBeNull();
    expect(seen).toEqual([]);
    expect(await two.tryAcquireLease('k', 1000)).not.toBeNull();
    expect(await one.tryAcquireLease('k', 1000)).not.toBeNull();
  });

  it('hands a throwing listener to onError and still tells the others and resolves the write', async () => {
    const errors: unknown[] = [];
    const storage = createMemoryStorage({ onError: (error) => errors.push(error) });
    const seen: StorageChange[] = [];
    storage.subscribe(() => {
      throw new Error('listener broke');
    });
    storage.subscribe((change) => seen.push(change));
    await expect(storage.setItem('k', 'v')).resolves.toBeUndefined();
    expect(seen).toEqual([{ key: 'k', newValue: 'v' }]);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('listener broke');
  });

  it('counts the same function subscribed twice as two subscriptions', async () => {
    const storage = createMemoryStorage();
    const seen: string[] = [];
    const listener = (change: StorageChange): void => void seen.push(change.key);
    const stopFirst = storage.subscribe(listener);
    storage.subscribe(listener);
    stopFirst();
    await storage.setItem('k', 'v');
    expect(seen).toEqual(['k']);
  });

  it('lets a lease lapse by the injected clock', async () => {
    let now = 1_000;
    const storage = createMemoryStorage({ now: () => now });
    const lease = await storage.tryAcquireLease('refresh', 500);
    expect(lease).not.toBeNull();
    now += 499;
    expect(await storage.tryAcquireLease('refresh', 500)).toBeNull();
    now += 1;
    const next = await storage.tryAcquireLease('refresh', 500);
    expect(next).not.toBeNull();
    await lease!.release();
    expect(await storage.tryAcquireLease('refresh', 500)).toBeNull();
  });

  it('drops its listeners on close and keeps the data', async () => {
    const storage = createMemoryStorage();
    const seen: StorageChange[] = [];
    storage.subscribe((change) => seen.push(change));
    await storage.setItem('k', 'v');
    await storage.close();
    await storage.setItem('k', 'w');
    expect(seen).toHaveLength(1);
    expect(await storage.getItem('k')).toBe('w');
  });
});
