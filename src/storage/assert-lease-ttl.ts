import { storageError, type StorageAdapterName } from './storage-failure';

/**
 * @internal The longest lease: what `setTimeout` can wait (2^31 - 1 ms, about 24.8 days) and far
 * beyond any refresh. A longer ttl is the caller's mistake, refused alike by every adapter (Redis
 * would otherwise fail it as if the store were down, memory would hold it for centuries).
 */
export const MAX_LEASE_TTL_MS = 2 ** 31 - 1;

/** @internal Leases must expire, so a TTL has to be a positive finite number of milliseconds, at most {@link MAX_LEASE_TTL_MS}. */
export function assertLeaseTtl(ttlMs: number, adapter: StorageAdapterName): void {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0 || ttlMs > MAX_LEASE_TTL_MS) {
    // Named only when it is a number: anything else from a caller is not quoted into an error.
    const got = typeof ttlMs === 'number' ? String(ttlMs) : `a ${typeof ttlMs}`;
    throw storageError(`tryAcquireLease: ttlMs must be a positive number of milliseconds no greater than ${MAX_LEASE_TTL_MS}, got ${got}`, {
      adapter,
      operation: 'tryAcquireLease',
    });
  }
}
