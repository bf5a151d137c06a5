import type { KeyValueStorage, StorageChange, StorageLease } from '../../src/index';
import { CallGate } from '../support/call-gate';

/** A storage operation a {@link SlowStorage} can be told to fail. */
export type FailingOperation = 'getItem' | 'setItem' | 'removeItem';

/**
 * Any storage, seen from one context over a slow or flaky link (Redis across a network, a
 * busy disk): a read can take its value now and hand it over later (`holdReads`), change
 * notices can be held and delivered late, in any order (`holdNotices`), and operations can
 * fail (`fail`). Everything else goes straight through to the shared storage.
 */
export class SlowStorage implements KeyValueStorage {
  readonly gate = new CallGate();
  readonly #inner: Required<KeyValueStorage>;
  #heldReads = 0;
  #holdingNotices = false;
  readonly #notices: Array<{ change: StorageChange; deliver: () => void }> = [];
  readonly #failing = new Map<FailingOperation, (key: string) => boolean>();
  readonly #listeners = new Set<(change: StorageChange) => void>();
  #unsubscribeInner: (() => void) | undefined;
  /** Every value written through this context, in order (`null` for a removal). */
  readonly writes: Array<{ key: string; value: string | null }> = [];

  constructor(inner: Required<KeyValueStorage>) {
    this.#inner = inner;
  }

  tryAcquireLease(key: string, ttlMs: number): Promise<StorageLease | null> {
    return this.#inner.tryAcquireLease(key, ttlMs);
  }

  /** The next `count` reads read at once but answer only when the test releases `storageRead` at the gate. */
  holdReads(count = 1): void {
    this.#heldReads = count;
  }

  /** Notices are kept until `deliverNotices`. */
  holdNotices(): void {
    this.#holdingNotices = true;
  }

  /** Delivers the held notices (newest first with `reversed`) and stops holding. */
  deliverNotices({ reversed = false }: { reversed?: boolean } = {}): void {
    this.#holdingNotices = false;
    const held = this.#notices.splice(0);
    for (const notice of reversed ? held.reverse() : held) notice.deliver();
  }

  /** Drops the held notices (lost) and stops holding. */
  dropNotices(): void {
    this.#holdingNotices = false;
    this.#notices.splice(0);
  }

  get heldNotices(): number {
    return this.#notices.length;
  }

  /** Makes `operation` reject for keys `which` accepts (every key by default); `undefined` heals it. */
  fail(operation: FailingOperation, which: ((key: string) => boolean) | undefined = () => true): void {
    if (which) this.#failing.set(operation, which);
    else this.#failing.delete(operation);
  }

  #check(operation: FailingOperation, key: string): void {
    if (this.#failing.get(operation)?.(key)) {
      const error = new Error(`injected ${operation} failure`);
      error.name = 'InjectedStorageFault';
      throw error;
    }
  }

  async getItem(key: string): Promise<string | null> {
    this.#check('getItem', key);
    const value = await this.#inner.getItem(key);
    if (this.#heldReads > 0) {
      this.#heldReads -= 1;
      await this.gate.hold('storageRead', { key });
    }
    return value;
  }

  async setItem(key: string, value: string): Promise<void> {
    this.#check('setItem', key);
    await this.#inner.setItem(key, value);
    this.writes.push({ key, value });
  }

  async removeItem(key: string): Promise<void> {
    this.#check('removeItem', key);
    await this.#inner.removeItem(key);
    this.writes.push({ key, value: null });
  }

  subscribe(listener: (change: StorageChange) => void): () => void {
    this.#listeners.add(listener);
    this.#unsubscribeInner ??= this.#inner.subscribe((change) => {
      const deliver = () => {
        for (const each of [...this.#listeners]) each(change);
      };
      if (this.#holdingNotices) this.#notices.push({ change, deliver });
      else deliver();
    });
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) {
        this.#unsubscribeInner?.();
        this.#unsubscribeInner = undefined;
      }
    };
  }
}
