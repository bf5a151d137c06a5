// The web storage adapter in real Chromium: two tabs of one origin share localStorage, get each
// other's `storage` events and contend for leases through real Web Locks.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StorageChange } from '../../src/storage/key-value-storage';
import { type ChromiumStoragePage, startChromiumStoragePage } from '../security/fixtures/chromium-storage-page';

const PAGE = `<!doctype html><meta charset="utf-8"><title>idpool storage</title>
<script src="/storage.js"></script>
<script>
  window.stores = {};
  window.changes = {};
  window.leases = {};
  window.openStore = (name, area, withLocks) => {
    const target = area === 'session' ? sessionStorage : localStorage;
    const store = idpoolStorage.createWebStorage(target, withLocks ? {} : { locks: null });
    stores[name] = store;
    changes[name] = [];
    store.subscribe((change) => changes[name].push(change));
  };
  window.tryLease = async (name, key, ttlMs) => {
    const lease = await stores[name].tryAcquireLease(key, ttlMs);
    if (lease) leases[name + ':' + key] = lease;
    return lease !== null;
  };
  window.releaseLease = (name, key) => leases[name + ':' + key].release();
</script>`;

let chromiumPage: ChromiumStoragePage;
let origin: string;
let context: BrowserContext;
let tabA: Page;
let tabB: Page;

beforeAll(async () => {
  chromiumPage = await startChromiumStoragePage(PAGE);
  origin = `http://127.0.0.1:${chromiumPage.port}`;
});

afterAll(async () => {
  await chromiumPage?.close();
});

beforeEach(async () => {
  // A fresh context per test: its own localStorage, as if the origin had never been visited.
  context = await chromiumPage.browser.newContext();
  [tabA, tabB] = await Promise.all([context.newPage(), context.newPage()]);
  await Promise.all([tabA.goto(origin), tabB.goto(origin)]);
});

afterEach(async () => {
  await context.close();
});

/** What PAGE defines; functions passed to evaluate run in the tab, so they reach it through `window`. */
type PageWindow = {
  openStore(name: string, area: 'local' | 'session', withLocks: boolean): void;
  stores: Record<string, { setItem(k: string, v: string): Promise<void>; removeItem(k: string): Promise<void>; getItem(k: string): Promise<string | null> }>;
  changes: Record<string, StorageChange[]>;
  tryLease(name: string, key: string, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, key: string): Promise<void>;
};

function open(tab: Page, name: string, area: 'local' | 'session' = 'local', withLocks = true): Promise<void> {
  return tab.evaluate(([n, a, l]) => (window as unknown as PageWindow).openStore(n, a, l), [name, area, withLocks] as const);
}
function set(tab: Page, name: string, key: string, value: string): Promise<void> {
  return tab.evaluate(([n, k, v]) => (window as unknown as PageWindow).stores[n]!.setItem(k, v), [name, key, value] as const);
}
function remove(tab: Page, name: string, key: string): Promise<void> {
  return tab.evaluate(([n, k]) => (window as unknown as PageWindow).stores[n]!.removeItem(k), [name, key] as const);
}
function changes(tab: Page, name: string): Promise<StorageChange[]> {
  return tab.evaluate((n) => (window as unknown as PageWindow).changes[n]!, name);
}
async function waitForChange(tab: Page, name: string, key: string): Promise<void> {
  await tab.waitForFunction(([n, k]) => (window as unknown as PageWindow).changes[n]!.some((c) => c.key === k), [name, key] as const, {
    timeout: 5000,
    polling: 10,
  });
}
function lease(tab: Page, name: string, key: string, ttlMs: number): Promise<boolean> {
  return tab.evaluate(([n, k, t]) => (window as unknown as PageWindow).tryLease(n, k, t), [name, key, ttlMs] as const);
}
function release(tab: Page, name: string, key: string): Promise<void> {
  return tab.evaluate(([n, k]) => (window as unknown as PageWindow).releaseLease(n, k), [name, key] as const);
}
/** Waits until the tab's own copy of localStorage shows (or no longer shows) the lease record. */
async function waitForRecord(tab: Page, key: string, present: boolean): Promise<void> {
  await tab.waitForFunction(([k, p]) => (localStorage.getItem(`idpool-lease:${k}`) !== null) === p, [key, present] as const, {
    timeout: 5000,
    polling: 10,
  });
}

describe('createWebStorage in Chromium', () => {
  it('runs in a secure context with Web Locks and BroadcastChannel', async () => {
    expect(await tabA.evaluate(() => [isSecureContext, 'locks' in navigator, typeof BroadcastChannel])).toEqual([
      true,
      true,
      'function',
    ]);
  });

  it('tells one tab, once, what another tab wrote and removed', async () => {
    await open(tabA, 'a');
    await open(tabB, 'b');
    await set(tabB, 'b', 'session', '{"identityId":"us-east-1:😀"}');
    await remove(tabB, 'b', 'session');
    await set(tabB, 'b', 'barrier', 'x');
    await waitForChange(tabA, 'a', 'barrier');
    expect(await changes(tabA, 'a')).toEqual([
      { key: 'session', newValue: '{"identityId":"us-east-1:😀"}' },
      { key: 'session', newValue: null },
      { key: 'barrier', newValue: 'x' },
    ]);
    expect(await tabA.evaluate(() => (window as unknown as PageWindow).stores.a!.getItem('barrier'))).toBe('x');
  });

  it('tells a second instance in the same tab, which gets no storage event', async () => {
    await open(tabA, 'first');
    await open(tabA, 'second');
    await set(tabA, 'first', 'k', 'v');
    await set(tabA, 'first', 'barrier', 'x');
    await waitForChange(tabA, 'second', 'barrier');
    expect(await changes(tabA, 'second')).toEqual([
      { key: 'k', newValue: 'v' },
      { key: 'barrier', newValue: 'x' },
    ]);
  });

  it('keeps sessionStorage changes inside their tab', async () => {
    await open(tabA, 'sessionA', 'session');
    await open(tabA, 'localA');
    await open(tabB, 'sessionB', 'session');
    await open(tabB, 'localB');
    await set(tabB, 'sessionB', 'per-tab', 'B only');
    await set(tabB, 'localB', 'barrier', 'x');
    await waitForChange(tabA, 'localA', 'barrier');
    await tabA.waitForTimeout(100);
    expect(await changes(tabA, 'sessionA')).toEqual([]);
    expect(await changes(tabA, 'localA')).toEqual([{ key: 'barrier', newValue: 'x' }]);
    expect(await tabA.evaluate(() => (window as unknown as PageWindow).stores.sessionA!.getItem('per-tab'))).toBeNull();
  });

  it('grants a lease to exactly one of two tabs racing for it (Web Locks)', async () => {
    await open(tabA, 'a');
    await open(tabB, 'b');
    for (let round = 0; round < 5; round += 1) {
      const key = `race-${round}`;
      const won = await Promise.all([lease(tabA, 'a', key, 10_000), lease(tabB, 'b', key, 10_000)]);
      expect(won.filter(Boolean)).toHaveLength(1);
    }
  });

  it('hands a released lease to the other tab, and never lets a late release end it (Web Locks)', async () => {
    await open(tabA, 'a');
    await open(tabB, 'b');
    expect(await lease(tabA, 'a', 'refresh', 10_000)).toBe(true);
    expect(await lease(tabB, 'b', 'refresh', 10_000)).toBe(false);
    await release(tabA, 'a', 'refresh');
    await waitForRecord(tabB, 'refresh', false);
    expect(await lease(tabB, 'b', 'refresh', 10_000)).toBe(true);

    expect(await lease(tabA, 'a', 'short', 500)).toBe(true);
    expect(await lease(tabB, 'b', 'short', 500)).toBe(false);
    await tabA.waitForTimeout(600);
    expect(await lease(tabB, 'b', 'short', 10_000)).toBe(true);
    await release(tabA, 'a', 'short'); // expired: must leave tab B's lease alone
    expect(await lease(tabA, 'a', 'short', 10_000)).toBe(false);
    expect(await lease(tabB, 'b', 'short', 10_000)).toBe(false);
  });

  it('respects another tab\'s lease record without Web Locks (best-effort fallback)', async () => {
    // No race here: without an atomic primitive, racing tabs are only kept apart by timing.
    await open(tabA, 'a', 'local', false);
    await open(tabB, 'b', 'local', false);
    expect(await lease(tabA, 'a', 'refresh', 10_000)).toBe(true);
    await waitForRecord(tabB, 'refresh', true);
    expect(await lease(tabB, 'b', 'refresh', 10_000)).toBe(false);
    await release(tabA, 'a', 'refresh');
    await waitForRecord(tabB, 'refresh', false);
    expect(await lease(tabB, 'b', 'refresh', 10_000)).toBe(true);
    await waitForRecord(tabA, 'refresh', true);
    expect(await lease(tabA, 'a', 'refresh', 10_000)).toBe(false);

    expect(await lease(tabB, 'b', 'short', 500)).toBe(true);
    await waitForRecord(tabA, 'short', true);
    expect(await lease(tabA, 'a', 'short', 10_000)).toBe(false);
    await tabA.waitForTimeout(600);
    expect(await lease(tabA, 'a', 'short', 10_000)).toBe(true);
  });

  it('answers prototype names as absent and stores them as ordinary keys in real localStorage (finding 14)', async () => {
    await open(tabA, 'a');
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];
    const before = await tabA.evaluate((keys) => Promise.all(keys.map((k) => (window as unknown as PageWindow).stores.a!.getItem(k))), names);
    expect(before).toEqual(names.map(() => null));
    for (const name of names) await set(tabA, 'a', name, `value of ${name}`);
    const after = await tabA.evaluate((keys) => Promise.all(keys.map((k) => (window as unknown as PageWindow).stores.a!.getItem(k))), names);
    expect(after).toEqual(names.map((name) => `value of ${name}`));
  });

  it('rejects a write over the real quota with a StorageError (quotaExceeded) and keeps the old value', async () => {
    await open(tabA, 'a');
    await set(tabA, 'a', 'big', 'small');
    const outcome = await tabA.evaluate(async () => {
      try {
        await (window as unknown as PageWindow).stores.a!.setItem('big', 'x'.repeat(12 * 1024 * 1024));
        return { rejected: false };
      } catch (error) {
        const e = error as Error;
        const reason = (e as Error & { reason?: string }).reason;
        return { rejected: true, name: e.name, reason, message: e.message, cause: (e.cause as DOMException).name };
      }
    });
    expect(outcome).toEqual({
      rejected: true,
      name: 'StorageError',
      reason: 'quotaExceeded',
      message: 'Web Storage quota exceeded while writing key "big"',
      cause: 'QuotaExceededError',
    });
    expect(await tabA.evaluate(() => (window as unknown as PageWindow).stores.a!.getItem('big'))).toBe('small');
  });
});
