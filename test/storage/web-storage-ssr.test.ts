// Runs in plain Node (no DOM): the server-side-rendering situation.
import { afterEach, describe, expect, it } from 'vitest';
import type { StorageChange } from '../../src/storage/key-value-storage';

describe('createWebStorage without a DOM', () => {
  afterEach(() => {
    delete (globalThis as { localStorage?: unknown }).localStorage;
  });

  it('imports without touching window or localStorage, and explains itself when called', async () => {
    const touched: string[] = [];
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        touched.push('localStorage');
        return undefined;
      },
    });
    const { createWebStorage } = await import('../../src/storage/web-storage');
    await import('../../src/storage/index');
    expect(touched).toEqual([]);
    expect(() => createWebStorage()).toThrow(/no localStorage in this environment/);
    expect(touched).toEqual(['localStorage']);
  });

  it('turns a localStorage that throws on access into a TypeError with the cause', async () => {
    const denied = new Error('SecurityError: access denied');
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        throw denied;
      },
    });
    const { createWebStorage } = await import('../../src/storage/web-storage');
    const error = (() => {
      try {
        createWebStorage();
      } catch (caught) {
        return caught as TypeError;
      }
    })();
    expect(error).toBeInstanceOf(TypeError);
    expect(error?.cause).toBe(denied);
  });

  it('works over any Storage-like object, and instances over it follow each other through Node’s BroadcastChannel', async () => {
    const { createWebStorage } = await import('../../src/storage/web-storage');
    const map = new Map<string, string>();
    const target = {
      length: 0,
      clear: () => map.clear(),
      key: () => null,
      getItem: (key: string) => map.get(key) ?? null,
      setItem: (key: string, value: string) => void map.set(key, value),
      removeItem: (key: string) => void map.delete(key),
    } satisfies Storage;
    const writer = createWebStorage(target);
    const reader = createWebStorage(target);
    const seen: StorageChange[] = [];
    reader.subscribe((change) => seen.push(change));
    await writer.setItem('k', 'v');
    const deadline = Date.now() + 10_000; // a generous bound: the notice normally arrives at once
    while (seen.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(seen).toEqual([{ key: 'k', newValue: 'v' }]);
    expect(await reader.getItem('k')).toBe('v');
    const lease = await writer.tryAcquireLease('refresh', 10_000);
    expect(await reader.tryAcquireLease('refresh', 10_000)).toBeNull();
    await lease!.release();
    await writer.close();
    await reader.close();
  });
});
