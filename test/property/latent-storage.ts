import type { KeyValueStorage, StorageChange, StorageLease } from '../../src/index';

/** Lets `hops` turns of the event loop pass: latency measured in I/O turns, not milliseconds. */
export async function hops(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * One context's view of a shared storage, for property runs: every call and every change
 * notice takes a few event-loop turns drawn from `latency` (so notices arrive late and out of
 * order), notices can be held back (lost for a while) and delivered later, and the next writes
 * can be made to fail. What fails and what lands is recorded for the invariants.
 */
export class LatentStorage implements Required<KeyValueStorage> {
  #draw = 0;
  #failNext = 0;
  #holding = false;
  readonly #held: Array<() => void> = [];
  readonly #listeners = new Set<(change: StorageChange) => void>();
  #unsubscribe: (() => void) | undefined;
  #inFlight = 0;

  constructor(
    readonly inner: Required<KeyValueStorage>,
    readonly latency: readonly number[],
    /** Called when a write or removal of `key` through this view was made to fail (after counting it). */
    readonly onWriteFailed: (key: string, value: string | null) => void,
  ) {}

  #delay(): Promise<void> {
    const turns = this.latency.length === 0 ? 0 : this.latency[this.#draw++ % this.latency.length]!;
    return hops(turns);
  }

  /** Writes and removals still set to fail. */
  get failuresLeft(): number {
    return this.#failNext;
  }

  /** The next `count` writes and removals fail. */
  failNext(count: number): void {
    this.#failNext = count;
  }

  holdNotices(): void {
    this.#holding = true;
  }

  /** Delivers held notices, newest first when `reversed`. */
  deliverNotices(reversed: boolean): void {
    this.#holding = false;
    const held = this.#held.splice(0);
    for (const deliver of reversed ? held.reverse() : held) deliver();
  }

  get holding(): boolean {
    return this.#holding || this.#held.length > 0;
  }

  /** Calls and notices on their way. */
  get busy(): boolean {
    return this.#inFlight > 0;
  }

  async #around<T>(work: () => Promise<T>): Promise<T> {
    this.#inFlight += 1;
    try {
      await this.#delay();
      return await work();
    } finally {
      this.#inFlight -= 1;
    }
  }

  #mayFail(key: string, value: string | null): void {
    if (this.#failNext <= 0) return;
    this.#failNext -= 1;
    this.onWriteFailed(key, value);
    const error = new Error('injected write failure');
    error.name = 'InjectedStorageFault';
    throw error;
  }

  getItem(key: string): Promise<string | null> {
    return this.#around(async () => {
      // Read now, answered after the latency: the value may be stale by the time it arrives.
      const value = await this.inner.getItem(key);
      await this.#delay();
      return value;
    });
  }

  setItem(key: string, value: string): Promise<void> {
    return this.#around(async () => {
      this.#mayFail(key, value);
      await this.inner.setItem(key, value);
    });
  }

  removeItem(key: string): Promise<void> {
    return this.#around(async () => {
      this.#mayFail(key, null);
      await this.inner.removeItem(key);
    });
  }

  tryAcquireLease(key: string, ttlMs: number): Promise<StorageLease | null> {
    return this.inner.tryAcquireLease(key, ttlMs);
  }

  subscribe(listener: (change: StorageChange) => void): () => void {
    this.#listeners.add(listener);
    this.#unsubscribe ??= this.inner.subscribe((change) => {
      const deliver = () => {
        for (const each of [...this.#listeners]) each(change);
      };
      if (this.#holding) {
        this.#held.push(deliver);
        return;
      }
      this.#inFlight += 1;
      void this.#delay().then(() => {
        this.#inFlight -= 1;
        if (this.#holding) this.#held.push(deliver);
        else deliver();
      });
    });
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) {
        this.#unsubscribe?.();
        this.#unsubscribe = undefined;
      }
    };
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }
}
