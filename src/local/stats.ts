/** Counters of a local identity pool, per operation name. */
export interface LocalPoolStats {
  /** Requests received, including malformed ones (under their operation or `Unknown`). */
  readonly requests: Record<string, number>;
  /** Error responses by exception name (`ConnectionDropped` for a `drop` fault). */
  readonly errors: Record<string, Record<string, number>>;
  /** Requests being handled right now. */
  readonly inFlight: Record<string, number>;
  /** Highest `inFlight` seen since start or the last reset. */
  readonly maxInFlight: Record<string, number>;
}

// Keyed by Maps: operation names come from requests, and a plain object would let `__proto__`
// or `constructor` reach Object.prototype or turn a counter into a string.
const bump = (counts: Map<string, number>, key: string, by = 1): number => {
  const next = (counts.get(key) ?? 0) + by;
  counts.set(key, next);
  return next;
};

// Object.fromEntries defines own data properties, so a `__proto__` key stays a plain counter.
const plain = (counts: ReadonlyMap<string, number>): Record<string, number> => Object.fromEntries(counts);

export class StatsRecorder {
  private requests = new Map<string, number>();
  private errors = new Map<string, Map<string, number>>();
  private maxInFlight = new Map<string, number>();
  private inFlight = new Map<string, number>();

  /** Counts a request and marks it in flight; call the returned function once when it is answered. */
  begin(op: string): () => void {
    bump(this.requests, op);
    const current = bump(this.inFlight, op);
    if (current > (this.maxInFlight.get(op) ?? 0)) this.maxInFlight.set(op, current);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      bump(this.inFlight, op, -1);
    };
  }

  error(op: string, name: string): void {
    let byName = this.errors.get(op);
    if (byName === undefined) {
      byName = new Map();
      this.errors.set(op, byName);
    }
    bump(byName, name);
  }

  snapshot(): LocalPoolStats {
    return {
      requests: plain(this.requests),
      errors: Object.fromEntries([...this.errors].map(([op, byName]) => [op, plain(byName)])),
      inFlight: plain(this.inFlight),
      maxInFlight: plain(this.maxInFlight),
    };
  }

  /** Zeroes the counters; requests still in flight stay counted in `inFlight` (and so in `maxInFlight`). */
  reset(): void {
    this.requests = new Map();
    this.errors = new Map();
    this.inFlight = new Map([...this.inFlight].filter(([, n]) => n > 0));
    this.maxInFlight = new Map(this.inFlight);
  }
}
