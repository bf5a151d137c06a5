import { StorageError, type StorageOperation } from '../errors/error-classes';

/**
 * What a failed storage call becomes: idpool's adapters already reject with a `StorageError`
 * naming adapter and operation; anything else (an app's own adapter) is wrapped as adapter
 * `'custom'`. The foreign error is not kept as `cause`: it may quote the record it failed to
 * write, tokens included. Only its name (a bounded identifier) is kept, in the message.
 */
export function toStorageError(error: unknown, operation: StorageOperation): StorageError {
  if (error instanceof StorageError) {
    if (error.operation !== undefined && error.adapter !== undefined) return error;
    return new StorageError(error.message, {
      adapter: error.adapter ?? 'custom',
      operation: error.operation ?? operation,
      ...(error.reason !== undefined ? { reason: error.reason } : {}),
      cause: error,
    });
  }
  const name = errorName(error);
  return new StorageError(`The storage adapter's ${operation} failed (it threw ${name}).`, {
    adapter: 'custom',
    operation,
    reason: 'failed',
    recoverySuggestion: 'Check the storage adapter passed as `storage`; have it reject with StorageError to say why.',
  });
}

function errorName(error: unknown): string {
  try {
    // A hostile adapter's error may have a getter for `name`, or a name that is the record itself.
    const name: unknown = error instanceof Error ? error.name : undefined;
    return typeof name === 'string' && /^[A-Za-z0-9_$]{1,64}$/.test(name) ? name : 'a non-Error value';
  } catch {
    return 'a non-Error value';
  }
}
