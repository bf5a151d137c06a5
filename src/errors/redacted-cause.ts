import { redactSecrets } from './redact-secrets';
import { isInstanceOf } from './is-instance-of';

// A cause chain is kept this deep; deeper links (or a cycle) end it.
const MAX_DEPTH = 5;
// Longer texts are cut: a hostile server or callback could send megabytes.
const MAX_TEXT = 4_096;
const NAME_PATTERN = /^[\w.$-]{1,128}$/;

/** What is kept of the AWS SDK's `$metadata`: the numbers and ids support asks for, nothing echoed. */
export interface RedactedMetadata {
  httpStatusCode?: number;
  requestId?: string;
  extendedRequestId?: string;
  cfId?: string;
  attempts?: number;
  totalRetryDelay?: number;
}

/**
 * A secret-free copy of whatever a Cognito call or an app callback threw, kept as an
 * `AuthError`'s `cause`: its name, message and stack with every known secret (and any
 * JWT) removed, the SDK's `$fault`, `$metadata` (status, request id) and `code`, and its
 * own cause, copied the same way. The original (its `$response`, echoed request fields,
 * getters, proxies) is never kept, so `console.error(error)` cannot print a token.
 */
export class RedactedCause extends Error {
  readonly $fault?: 'client' | 'server';
  readonly $metadata?: RedactedMetadata;
  readonly code?: string;

  constructor(fields: { name: string; message: string; stack?: string; $fault?: 'client' | 'server'; $metadata?: RedactedMetadata; code?: string; cause?: RedactedCause }) {
    super(fields.message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = fields.name;
    // The original's stack (redacted) says where it was thrown; this constructor's would not.
    Object.defineProperty(this, 'stack', { value: fields.stack ?? `${fields.name}: ${fields.message}`, writable: true, configurable: true, enumerable: false });
    if (fields.$fault !== undefined) this.$fault = fields.$fault;
    if (fields.$metadata !== undefined) this.$metadata = fields.$metadata;
    if (fields.code !== undefined) this.code = fields.code;
  }
}

/** Reads one property without letting a getter or Proxy trap that throws escape. */
function read(value: object, key: string): unknown {
  try {
    return Reflect.get(value, key);
  } catch {
    return undefined;
  }
}

function text(value: unknown, secrets: readonly string[]): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Redacted before the cut: a secret straddling the cut would otherwise keep its first part.
  const redacted = redactSecrets(value, secrets);
  return redacted.length > MAX_TEXT ? `${redacted.slice(0, MAX_TEXT)}…` : redacted;
}

/** A name or code kept only when it is name-shaped and quotes no secret. */
function label(value: unknown, secrets: readonly string[]): string | undefined {
  return typeof value === 'string' && NAME_PATTERN.test(value) && redactSecrets(value, secrets) === value ? value : undefined;
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function metadataOf(value: unknown, secrets: readonly string[]): RedactedMetadata | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const metadata: RedactedMetadata = {};
  const httpStatusCode = finiteNumber(read(value, 'httpStatusCode'));
  if (httpStatusCode !== undefined) metadata.httpStatusCode = httpStatusCode;
  for (const key of ['requestId', 'extendedRequestId', 'cfId'] as const) {
    const id = text(read(value, key), secrets);
    if (id !== undefined) metadata[key] = id.slice(0, 256);
  }
  const attempts = finiteNumber(read(value, 'attempts'));
  if (attempts !== undefined) metadata.attempts = attempts;
  const totalRetryDelay = finiteNumber(read(value, 'totalRetryDelay'));
  if (totalRetryDelay !== undefined) metadata.totalRetryDelay = totalRetryDelay;
  return metadata;
}

/** How a thrown value that is not an object reads in a message, without calling into it. */
function describePrimitive(value: unknown, secrets: readonly string[]): string {
  if (typeof value === 'string') return text(value, secrets) ?? '';
  if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${String(value)} was thrown`;
  }
  return `a ${typeof value} was thrown`;
}

/**
 * Copies `thrown` (anything: an SDK error, a string, `undefined`, a null-prototype object,
 * a Proxy, an object whose getters throw) into a {@link RedactedCause} with `secrets` removed.
 */
export function redactedCause(thrown: unknown, secrets: readonly string[], depth = 0, seen: Set<unknown> = new Set()): RedactedCause {
  if (isInstanceOf(thrown, RedactedCause)) return thrown;
  if ((typeof thrown !== 'object' && typeof thrown !== 'function') || thrown === null) {
    return new RedactedCause({ name: 'Error', message: describePrimitive(thrown, secrets) });
  }
  seen.add(thrown);
  const name = label(read(thrown, 'name'), secrets) ?? 'Error';
  const message = text(read(thrown, 'message'), secrets) ?? 'an object without a message was thrown';
  const stack = text(read(thrown, 'stack'), secrets);
  const fault = read(thrown, '$fault');
  const $metadata = metadataOf(read(thrown, '$metadata'), secrets);
  const code = label(read(thrown, 'code'), secrets);
  const inner = read(thrown, 'cause');
  const cause = inner === undefined || depth + 1 >= MAX_DEPTH || seen.has(inner) ? undefined : redactedCause(inner, secrets, depth + 1, seen);
  return new RedactedCause({
    name,
    message,
    ...(stack !== undefined ? { stack } : {}),
    ...(fault === 'client' || fault === 'server' ? { $fault: fault } : {}),
    ...($metadata !== undefined ? { $metadata } : {}),
    ...(code !== undefined ? { code } : {}),
    ...(cause !== undefined ? { cause } : {}),
  });
}
