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

const bump = (counts: Record<string, number>, key: string, by = 1): number => {
  const next = (counts[key] ?? 0) + by;
  counts[key] = next;
  return next;
};

export class StatsRecorder {
  private requests: Record<string, number> = {};
  private errors: Record<string, Record<string, number>> = {};
  private maxInFlight: Record<string, number> = {};
  private inFlight: Record<string, number> = {};

  /** Counts a request and marks it in flight; call the returned function once when it is answered. */
  begin(op: string): () => void {
    bump(this.requests, op);
    const current = bump(this.inFlight, op);
    if (current > (this.maxInFlight[op] ?? 0)) this.maxInFlight[op] = current;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      bump(this.inFlight, op, -1);
    };
  }

  error(op: string, name: string): void {
    bump((this.errors[op] ??= {}), name);
  }

  snapshot(): LocalPoolStats {
    return structuredClone({
      requests: this.requests,
      errors: this.errors,
      inFlight: this.inFlight,
      maxInFlight: this.maxInFlight,
    });
  }

  /** Zeroes the counters; requests still in flight stay counted in `inFlight` (and so in `maxInFlight`). */
  reset(): void {
    this.requests = {};
    this.errors = {};
    this.inFlight = Object.fromEntries(Object.entries(this.inFlight).filter(([, n]) => n > 0));
    this.maxInFlight = { ...this.inFlight };
  }
}
