import { until } from './generous-bound';

/** A call held at the gate until the test lets it go on, answers it, or fails it. */
export interface HeldCall {
  readonly kind: string;
  readonly info: Record<string, unknown>;
  /** Lets the call go on (for network calls: the request is sent) or answers it with `value`. */
  release(value?: unknown): void;
  fail(error: unknown): void;
}

/**
 * Holds calls the engine makes (Cognito requests, refresh handlers, token providers, storage
 * reads) so a test decides when each one proceeds and how it ends: the engine can be stepped
 * one invoked actor at a time. Calls whose `AbortSignal` fires while held are dropped.
 */
export class CallGate {
  readonly #held: HeldCall[] = [];
  #inFlight = 0;

  /** Calls waiting at the gate, oldest first. */
  held(): readonly HeldCall[] {
    return [...this.#held];
  }

  /** Calls let through whose own work (e.g. the HTTP round trip) has not finished. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** The one held call of `kind`; throws naming what is held otherwise. */
  take(kind: string): HeldCall {
    const matching = this.#held.filter((call) => call.kind === kind);
    if (matching.length !== 1) {
      throw new Error(`expected one held ${kind} call, found ${matching.length} (held: ${this.#held.map((call) => call.kind).join(', ') || 'none'})`);
    }
    return matching[0]!;
  }

  /** Waits at the gate; resolves with what `release` passes. */
  hold<T>(kind: string, info: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const call: HeldCall = {
        kind,
        info,
        release: (value) => {
          this.#drop(call);
          resolve(value as T);
        },
        fail: (error) => {
          this.#drop(call);
          reject(error);
        },
      };
      if (signal?.aborted) {
        reject(abortError());
        return;
      }
      signal?.addEventListener('abort', () => call.fail(abortError()), { once: true });
      this.#held.push(call);
    });
  }

  /** Runs `work` after the call is let through, counting it in flight until it settles. */
  async pass<T>(kind: string, info: Record<string, unknown>, signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    await this.hold(kind, info, signal);
    this.#inFlight += 1;
    try {
      return await work();
    } finally {
      this.#inFlight -= 1;
    }
  }

  #drop(call: HeldCall): void {
    const index = this.#held.indexOf(call);
    if (index >= 0) this.#held.splice(index, 1);
  }
}

/** The one call of `kind` once it is held at `gate` (a generous real-time bound on the wait). */
export async function untilHeld(gate: CallGate, kind: string): Promise<HeldCall> {
  await until(() => gate.held().some((call) => call.kind === kind), `a held ${kind} call`);
  return gate.take(kind);
}

function abortError(): Error {
  const error = new Error('The held call was aborted.');
  error.name = 'AbortError';
  return error;
}
