/** Option checks shared by the local servers: a wrong option throws a TypeError naming it. */

export function checkPort(port: unknown, option: string): number {
  if (port === undefined) return 0;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`"${option}" must be an integer port between 0 and 65535`);
  }
  return port;
}

export function checkClock(now: unknown, option: string): () => number {
  if (now === undefined) return Date.now;
  if (typeof now !== 'function') throw new TypeError(`"${option}" must be a function returning epoch milliseconds`);
  return now as () => number;
}
