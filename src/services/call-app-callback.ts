import type { AuthClock } from '../model/clock';

/** How long an app callback may take, on which clock, and the signal that ends the wait early. */
export interface CallbackBounds {
  clock: Pick<AuthClock, 'setTimeout' | 'clearTimeout'>;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** How an app callback ended: never a throw, so each caller turns it into its own typed error. */
export type CallbackOutcome<T> =
  | { kind: 'value'; value: T }
  | { kind: 'threw'; thrown: unknown }
  | { kind: 'timedOut' }
  | { kind: 'aborted' };

/**
 * Calls an app callback (refresh handler, token provider, credentials provider, client-metadata
 * provider) so that nothing it does escapes: a synchronous throw, a rejection with any value,
 * a thenable whose `then` throws, or never settling (bounded by `timeoutMs` on the injected
 * clock, and by `signal`).
 */
export function callAppCallback<T>(call: () => T | PromiseLike<T>, bounds: CallbackBounds): Promise<CallbackOutcome<Awaited<T>>> {
  return new Promise((resolve) => {
    let done = false;
    // Declared first: an odd clock may call back before setTimeout returns.
    let timer: unknown;
    const finish = (outcome: CallbackOutcome<Awaited<T>>): void => {
      if (done) return;
      done = true;
      bounds.clock.clearTimeout(timer);
      bounds.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = (): void => finish({ kind: 'aborted' });
    timer = bounds.clock.setTimeout(() => finish({ kind: 'timedOut' }), bounds.timeoutMs);
    if (done) return;
    if (bounds.signal?.aborted) return onAbort();
    bounds.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // The Promise constructor's resolve adopts any thenable and catches a `then` that throws.
      new Promise<Awaited<T>>((settle) => settle(call() as Awaited<T>)).then(
        (value) => finish({ kind: 'value', value }),
        (thrown: unknown) => finish({ kind: 'threw', thrown }),
      );
    } catch (thrown) {
      finish({ kind: 'threw', thrown });
    }
  });
}
