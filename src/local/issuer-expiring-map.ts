/**
 * A `Map` with a size bound and a lifetime per entry, judged on an injected clock: what the issuer
 * keeps between requests (codes, device codes). Keys come from requests, so it is a `Map`, never a
 * plain object. When full, expired entries are swept; if it is still full, `set` refuses (the caller
 * answers `temporarily_unavailable`) rather than evicting an entry someone is about to use.
 */
export class ExpiringMap<V> {
  readonly #entries = new Map<string, { readonly value: V; readonly expiresAt: number }>();
  readonly #limit: number;
  readonly #now: () => number;

  constructor(limit: number, now: () => number) {
    this.#limit = limit;
    this.#now = now;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Whether the entry was stored (false: the map is full of live entries). */
  set(key: string, value: V, expiresAt: number): boolean {
    this.#entries.delete(key);
    if (this.#entries.size >= this.#limit) this.sweep();
    if (this.#entries.size >= this.#limit) return false;
    this.#entries.set(key, { value, expiresAt });
    return true;
  }

  /** The live entry, removed: what makes a code single-use. */
  take(key: string): V | undefined {
    const value = this.get(key);
    this.#entries.delete(key);
    return value;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  sweep(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }
}
