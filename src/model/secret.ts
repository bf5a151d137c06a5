const REDACTED = '[redacted]';
// Node's util.inspect.custom, without importing node:util so browsers can load this file.
const nodeInspect = Symbol.for('nodejs.util.inspect.custom');

/**
 * Holds a token, secret key or session token so that it never leaks into an event, a
 * snapshot, inspector output or a log line: the value lives in a private field, and every
 * way of printing the holder (`JSON.stringify`, `String()`, `util.inspect`, structured
 * clone) shows `[redacted]` or nothing at all.
 *
 * @example
 * ```ts
 * const token = new Secret('eyJhbGciOi...');
 * JSON.stringify({ token }); // '{"token":"[redacted]"}'
 * token.reveal();            // 'eyJhbGciOi...'
 * ```
 */
export class Secret<T> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  /** The wrapped value. Call it only where the value leaves for Cognito or the caller. */
  reveal(): T {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [nodeInspect](): string {
    return REDACTED;
  }
}
