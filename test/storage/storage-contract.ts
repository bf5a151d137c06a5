import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../src/errors/error-classes';
import type { KeyValueStorage, StorageChange } from '../../src/storage/key-value-storage';

/**
 * Names that a plain object answers through its prototype (issue 11, finding 14): every adapter
 * must read them as absent keys and store them as ordinary keys.
 */
export const PROTOTYPE_NAMES = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupGetter__',
  'prototype',
] as const;

/** One adapter under test, plus a second one over the same data when the adapter can share. */
export interface StorageContractSubject {
  storage: KeyValueStorage;
  /** Another tab / thread / process / server stand-in over the same data; absent for cookies. */
  peer?: KeyValueStorage;
  /** Resolves once subscriptions made so far are live (Redis pub/sub needs a round trip). */
  subscribed?: () => Promise<void>;
  /**
   * Keys the backend itself cannot hold (happy-dom's localStorage drops `__proto__`; real browsers
   * keep it, see web-storage-chromium.test.ts). They must still read back as absent, never as a
   * prototype member.
   */
  unstorableKeys?: readonly string[];
  dispose(): Promise<void>;
}

export interface StorageContractOptions {
  /** Length of the "large" value written; cookies hold far less than the others. */
  largeValueLength: number;
}

let keyCounter = 0;
/** Unique per test so adapters over a shared backend (Redis) never see another test's keys. */
export function uniqueKey(label: string): string {
  keyCounter += 1;
  return `contract:${label}:${process.pid}:${keyCounter}:${Math.random().toString(36).slice(2)}`;
}

export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The behaviour every KeyValueStorage adapter promises. Subscribe and lease checks run only when
 * the adapter has those members; data sharing only when the subject has a peer.
 */
export function describeStorageContract(
  name: string,
  create: () => Promise<StorageContractSubject>,
  options: StorageContractOptions,
): void {
  describe(`${name}: KeyValueStorage contract`, () => {
    let subject: StorageContractSubject;
    beforeEach(async () => {
      subject = await create();
    });
    afterEach(async () => {
      await subject.dispose();
    });

    it('reads a missing key as null', async () => {
      expect(await subject.storage.getItem(uniqueKey('missing'))).toBeNull();
    });

    it('sets, overwrites and removes a key', async () => {
      const { storage } = subject;
      const key = uniqueKey('basic');
      await storage.setItem(key, 'one');
      expect(await storage.getItem(key)).toBe('one');
      await storage.setItem(key, 'two');
      expect(await storage.getItem(key)).toBe('two');
      await storage.setItem(key, '');
      expect(await storage.getItem(key)).toBe('');
      await storage.removeItem(key);
      expect(await storage.getItem(key)).toBeNull();
      await expect(storage.removeItem(key)).resolves.toBeUndefined();
    });

    it('keeps unicode keys and values exactly', async () => {
      const { storage } = subject;
      const key = `${uniqueKey('unicode')}:clé/ключ 🔑;=,"`;
      const value = '{"name":"Zoë 😀 東京","quote":"\\"; path=/","nul":"\u0000","emoji":"👩‍👩‍👧"}';
      await storage.setItem(key, value);
      expect(await storage.getItem(key)).toBe(value);
      const other = `${key}x`;
      expect(await storage.getItem(other)).toBeNull();
    });

    it('answers prototype names as absent keys and stores them as ordinary keys (finding 14)', async () => {
      const { storage, peer } = subject;
      for (const name of PROTOTYPE_NAMES) expect(await storage.getItem(name), name).toBeNull();
      for (const name of PROTOTYPE_NAMES) await storage.setItem(name, `value of ${name}`);
      const unstorable = new Set(subject.unstorableKeys ?? []);
      for (const reader of peer ? [storage, peer] : [storage]) {
        for (const name of PROTOTYPE_NAMES) {
          expect(await reader.getItem(name), name).toBe(unstorable.has(name) ? null : `value of ${name}`);
        }
      }
      // An ordinary key beside them is untouched, and nothing reached Object.prototype.
      const key = uniqueKey('beside-prototype-names');
      await storage.setItem(key, 'plain');
      expect(await storage.getItem(key)).toBe('plain');
      expect(Object.getOwnPropertyNames(Object.prototype).filter((name) => name.startsWith('value'))).toEqual(['valueOf']);
      expect(({} as Record<string, unknown>)['constructor']).toBe(Object);
      for (const name of PROTOTYPE_NAMES) await storage.removeItem(name);
      await storage.removeItem(key);
      for (const reader of peer ? [storage, peer] : [storage]) {
        for (const name of PROTOTYPE_NAMES) expect(await reader.getItem(name), name).toBeNull();
      }
    });

    it(`round-trips a ${options.largeValueLength}-character value`, async () => {
      const { storage } = subject;
      const key = uniqueKey('large');
      const value = 'abcdefghij'.repeat(Math.ceil(options.largeValueLength / 10)).slice(0, options.largeValueLength);
      await storage.setItem(key, value);
      expect(await storage.getItem(key)).toBe(value);
    });

    it('keeps every key when writes to different keys run concurrently', async () => {
      const { storage, peer } = subject;
      const keys = Array.from({ length: 12 }, (_, i) => uniqueKey(`concurrent-${i}`));
      await Promise.all(keys.map((key, i) => (i % 2 === 0 || !peer ? storage : peer).setItem(key, `value-${i}`)));
      for (const reader of peer ? [storage, peer] : [storage]) {
        expect(await Promise.all(keys.map((key) => reader.getItem(key)))).toEqual(keys.map((_, i) => `value-${i}`));
      }
    });

    it('shares data with a second instance', async () => {
      const { storage, peer } = subject;
      if (!peer) {
        expect(name).toMatch(/cookie/);
        return;
      }
      const key = uniqueKey('shared');
      await storage.setItem(key, 'from storage');
      expect(await peer.getItem(key)).toBe('from storage');
      await peer.removeItem(key);
      expect(await storage.getItem(key)).toBeNull();
    });

    describe('subscribe', () => {
      it('tells a second instance about sets and removals', async () => {
        const { storage, peer } = subject;
        if (!storage.subscribe) return expectNoSubscribe(name);
        const watcher = peer ?? storage;
        const seen: StorageChange[] = [];
        const unsubscribe = watcher.subscribe!((change) => seen.push(change));
        await subject.subscribed?.();
        const key = uniqueKey('notify');
        await storage.setItem(key, 'v1 ✓');
        await waitUntil(() => seen.some((c) => c.key === key && c.newValue === 'v1 ✓'), 'the set notification');
        await storage.removeItem(key);
        await waitUntil(() => seen.some((c) => c.key === key && c.newValue === null), 'the removal notification');
        unsubscribe();
      });

      it('stops telling a listener once it unsubscribed', async () => {
        const { storage, peer } = subject;
        if (!storage.subscribe) return expectNoSubscribe(name);
        const watcher = peer ?? storage;
        const gone: StorageChange[] = [];
        const kept: StorageChange[] = [];
        const unsubscribe = watcher.subscribe!((change) => gone.push(change));
        const unsubscribeKept = watcher.subscribe!((change) => kept.push(change));
        await subject.subscribed?.();
        unsubscribe();
        unsubscribe(); // idempotent
        const key = uniqueKey('unsubscribed');
        await storage.setItem(key, 'after');
        await waitUntil(() => kept.some((c) => c.key === key), 'the remaining listener');
        expect(gone.filter((c) => c.key === key)).toEqual([]);
        unsubscribeKept();
      });
    });

    describe('leases', () => {
      it('are exclusive, even to their holder, across instances', async () => {
        const { storage, peer } = subject;
        if (!storage.tryAcquireLease) return expectNoLease(name);
        const other = peer ?? storage;
        const key = uniqueKey('lease-exclusive');
        const lease = await storage.tryAcquireLease(key, 10_000);
        expect(lease).not.toBeNull();
        expect(await storage.tryAcquireLease(key, 10_000)).toBeNull();
        expect(await other.tryAcquireLease!(key, 10_000)).toBeNull();
        expect(await storage.getItem(key)).toBeNull(); // a lease is not a data key
        const unrelated = await other.tryAcquireLease!(uniqueKey('lease-unrelated'), 10_000);
        expect(unrelated).not.toBeNull();
        await unrelated!.release();
        await lease!.release();
      });

      it('have exactly one winner among concurrent attempts', async () => {
        const { storage, peer } = subject;
        if (!storage.tryAcquireLease) return expectNoLease(name);
        const key = uniqueKey('lease-race');
        const contenders = Array.from({ length: 6 }, (_, i) => (i % 2 === 0 || !peer ? storage : peer));
        const results = await Promise.all(contenders.map((s) => s.tryAcquireLease!(key, 10_000)));
        expect(results.filter((lease) => lease !== null)).toHaveLength(1);
        await results.find((lease) => lease !== null)!.release();
      });

      it('can be taken by another instance once released, and release twice is harmless', async () => {
        const { storage, peer } = subject;
        if (!storage.tryAcquireLease) return expectNoLease(name);
        const other = peer ?? storage;
        const key = uniqueKey('lease-release');
        const lease = await storage.tryAcquireLease(key, 10_000);
        await lease!.release();
        await lease!.release();
        const next = await other.tryAcquireLease!(key, 10_000);
        expect(next).not.toBeNull();
        await next!.release();
      });

      it('lapse after their ttl', async () => {
        const { storage, peer } = subject;
        if (!storage.tryAcquireLease) return expectNoLease(name);
        const other = peer ?? storage;
        const key = uniqueKey('lease-expiry');
        // Generous TTLs: on a loaded machine a short one can lapse between the two calls.
        expect(await storage.tryAcquireLease(key, 1_000)).not.toBeNull();
        expect(await other.tryAcquireLease!(key, 1_000)).toBeNull();
        await sleep(1_300);
        const next = await other.tryAcquireLease!(key, 10_000);
        expect(next).not.toBeNull();
        await next!.release();
      });

      it('are released only by their holder', async () => {
        const { storage, peer } = subject;
        if (!storage.tryAcquireLease) return expectNoLease(name);
        const other = peer ?? storage;
        const key = uniqueKey('lease-holder');
        const expired = await storage.tryAcquireLease(key, 150);
        await sleep(300);
        const current = await other.tryAcquireLease!(key, 10_000);
        expect(current).not.toBeNull();
        await expired!.release(); // must not end the lease `other` holds now
        expect(await storage.tryAcquireLease(key, 10_000)).toBeNull();
        await current!.release();
        const after = await storage.tryAcquireLease(key, 10_000);
        expect(after).not.toBeNull();
        await after!.release();
      });

      it('reject a ttl that is not a positive number with a StorageError (finding 10)', async () => {
        const { storage } = subject;
        if (!storage.tryAcquireLease) return expectNoLease(name);
        const error = await storage.tryAcquireLease(uniqueKey('lease-ttl'), 0).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StorageError);
        expect(error).toMatchObject({ name: 'StorageError', operation: 'tryAcquireLease', adapter: expect.any(String) });
        await expect(storage.tryAcquireLease(uniqueKey('lease-ttl'), Number.NaN)).rejects.toThrow(/ttlMs/);
      });
    });
  });
}

function expectNoSubscribe(name: string): void {
  // Only the cookie adapter has no subscribe; any other adapter reaching here is a failure.
  expect(name).toMatch(/cookie/);
}

function expectNoLease(name: string): void {
  expect(name).toMatch(/cookie/);
}
