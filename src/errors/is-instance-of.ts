/**
 * `value instanceof type` that cannot throw: `instanceof` asks a Proxy for its prototype, and a
 * hostile Proxy's trap may throw. Such a value is not an instance.
 */
export function isInstanceOf<T>(value: unknown, type: abstract new (...args: never[]) => T): value is T {
  try {
    return value instanceof type;
  } catch {
    return false;
  }
}
