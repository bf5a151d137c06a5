/**
 * Real time in tests is only ever a generous bound: a wait that should end at once (the next
 * I/O callbacks, a loopback round trip) fails the test, naming what it waited for, only after
 * `GENEROUS_BOUND_MS` even on a machine with every core busy. Nothing is measured against it.
 */
export const GENEROUS_BOUND_MS = 10_000;

/** `promise`, or a rejection naming `what` once the generous bound has passed. */
export async function withinGenerousBound<T>(promise: Promise<T>, what: string, boundMs = GENEROUS_BOUND_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited ${boundMs} ms of real time for ${what}`)), boundMs);
  });
  try {
    return await Promise.race([promise, bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `condition()` holds, checking after each turn of the event loop; rejects after the bound. */
export async function until(condition: () => boolean, what: string, boundMs = GENEROUS_BOUND_MS): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`waited ${boundMs} ms of real time for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
