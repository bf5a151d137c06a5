import { StorageError, type StorageErrorReason, type StorageOperation } from '../errors/error-classes';
import { redactedCause } from '../errors/redacted-cause';
import { findQuotedSecret } from './find-quoted-secret';
import { isInstanceOf } from '../errors/is-instance-of';

/** @internal The adapters idpool ships, as named in `StorageError.adapter`. */
export type StorageAdapterName = 'memory' | 'web' | 'cookie' | 'file' | 'redis';

/** @internal Where a storage failure happened and what must not show in it. */
export interface StorageFailureContext {
  adapter: StorageAdapterName;
  operation: StorageOperation;
  key?: string;
  /** The value being written: a cause that quotes it (or a string inside it) is withheld. */
  value?: string;
  reason?: StorageErrorReason;
}

const NAME_PATTERN = /^[\w.$-]{1,64}$/;
const MIN_SECRET_LENGTH = 8;

/**
 * @internal Turns whatever an adapter's backend threw into a `StorageError` naming the adapter
 * and the operation, with a copy of the backend's error as `cause` (its name, message, stack and
 * `code`, secrets and JWTs removed). A `StorageError` that quotes nothing passes through. A cause that quotes the value written (or any longer string inside it, such
 * as a token in a JSON record), anywhere in its graph (see {@link findQuotedSecret}), is
 * replaced by a summary naming only its type, so no record reaches an error.
 */
export function toStorageError(error: unknown, context: StorageFailureContext, message?: string): StorageError {
  const secrets = secretsOf(context.value);
  if (isInstanceOf(error, StorageError) && findQuotedSecret(error, secrets) === undefined) return error;
  const reason = context.reason ?? 'failed';
  const where = context.key === undefined ? '' : ` for key "${shorten(context.key)}"`;
  return new StorageError(message ?? `idpool ${context.adapter} storage: ${context.operation}${where} failed.`, {
    adapter: context.adapter,
    operation: context.operation,
    reason,
    cause: withheldIfQuoting(error, secrets),
    retryable: reason === 'unavailable',
    recoverySuggestion: suggestionFor(reason),
  });
}

/** @internal A `StorageError` of the adapter's own making (no underlying error). */
export function storageError(message: string, context: StorageFailureContext): StorageError {
  const reason = context.reason ?? 'failed';
  return new StorageError(message, {
    adapter: context.adapter,
    operation: context.operation,
    reason,
    retryable: reason === 'unavailable',
    recoverySuggestion: suggestionFor(reason),
  });
}

/** @internal Runs one adapter call, rejecting with a `StorageError` whatever it throws. */
export async function guardStorage<T>(context: StorageFailureContext, work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStorageError(error, context);
  }
}

function suggestionFor(reason: StorageErrorReason): string {
  switch (reason) {
    case 'tooLarge':
      return 'Store less (keep persistCredentials off, use shorter tokens) or use another storage.';
    case 'quotaExceeded':
      return 'Free space in the storage or use another storage.';
    case 'tampered':
      return 'The stored data was not written by idpool alone; federate again to replace it.';
    case 'corrupt':
      return 'The stored data could not be read; the next write replaces it.';
    case 'unavailable':
      return 'Check that the storage is reachable and writable, then try again.';
    case 'failed':
      return 'See the cause.';
  }
}

function shorten(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 200)}…`;
}

/**
 * The value itself and every string of some length inside it when it is JSON, each also as
 * a backend may quote it: URI-encoded (a serialized cookie) and JSON-escaped (a JSON body).
 */
function secretsOf(value: string | undefined): string[] {
  if (value === undefined || value.length < MIN_SECRET_LENGTH) return [];
  const plain = [value];
  try {
    JSON.parse(value, (_key, inner: unknown) => {
      if (typeof inner === 'string' && inner.length >= MIN_SECRET_LENGTH) plain.push(inner);
      return inner;
    });
  } catch {
    // Not JSON: the value as a whole is all there is to hide.
  }
  const secrets = new Set<string>();
  for (const secret of plain) {
    secrets.add(secret);
    secrets.add(JSON.stringify(secret).slice(1, -1));
    try {
      secrets.add(encodeURIComponent(secret));
    } catch {
      // A lone surrogate cannot be URI-encoded, so no backend quotes it that way.
    }
  }
  return [...secrets];
}

/**
 * A copy of the error (name, message, stack, code, its cause chain; see {@link redactedCause}),
 * or, when anything in its graph quotes a secret (or the graph is too big to check), a summary
 * naming only its type. The original is never kept: `util.inspect` prints a Proxy's target and
 * fields no check looked at, a copy holds only what was read and checked.
 */
function withheldIfQuoting(error: unknown, secrets: readonly string[]): Error {
  const finding = findQuotedSecret(error, secrets);
  if (finding === undefined) return redactedCause(error, secrets);
  const name = safeName(error, secrets);
  const why = finding === 'quotes' ? 'it quoted the stored value' : 'it was too large to check for the stored value';
  const summary = new Error(`${name}: message withheld because ${why}`);
  summary.name = name;
  return summary;
}

/** The thrown value's class name when it is a plain identifier quoting nothing; else its type. */
function safeName(error: unknown, secrets: readonly string[]): string {
  const name = nameOf(error);
  if (typeof name === 'string' && NAME_PATTERN.test(name) && !secrets.some((secret) => name.includes(secret))) return name;
  if (name !== undefined) return 'Error';
  return error === null ? 'null' : typeof error === 'object' ? 'Object' : typeof error;
}

/** An Error's name (`null` when it has none that is text), `undefined` for anything else. */
function nameOf(error: unknown): unknown {
  try {
    return error instanceof Error ? (typeof error.name === 'string' ? error.name : null) : undefined;
  } catch {
    // A Proxy whose traps throw.
    return undefined;
  }
}

