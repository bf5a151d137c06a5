/** @internal Leases must expire, so a TTL has to be a positive finite number of milliseconds. */
export function assertLeaseTtl(ttlMs: number): void {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new TypeError(`tryAcquireLease: ttlMs must be a positive finite number of milliseconds, got ${String(ttlMs)}`);
  }
}
