import type { SessionView } from '../model/session';
import type { AuthError } from '../errors/auth-error';

interface Pending {
  resolve: (session: SessionView) => void;
  reject: (error: AuthError) => void;
}

/**
 * The promises of API callers, keyed by the request id their event carried. The machine
 * settles them by emitting `request.resolved` / `request.rejected` with those ids.
 */
export class RequestRegistry {
  // Made on the first call: most engines (one per server request) are asked once or never.
  #pending: Map<string, Pending> | undefined;
  #sequence = 0;
  readonly #timers: { keepAlive(waiting: boolean): void } | undefined;

  /** `timers` hear when the first caller starts waiting (`keepAlive(true)`) and when the last one is settled. */
  constructor(timers?: { keepAlive(waiting: boolean): void }) {
    this.#timers = timers;
  }

  open(): { requestId: string; settled: Promise<SessionView> } {
    const requestId = `r${++this.#sequence}`;
    const settled = new Promise<SessionView>((resolve, reject) => {
      (this.#pending ??= new Map()).set(requestId, { resolve, reject });
    });
    if (this.#pending?.size === 1) this.#timers?.keepAlive(true);
    return { requestId, settled };
  }

  resolve(requestIds: readonly string[], session: SessionView): void {
    this.#settle(requestIds, (pending) => pending.resolve(session));
  }

  reject(requestIds: readonly string[], error: AuthError): void {
    this.#settle(requestIds, (pending) => pending.reject(error));
  }

  #settle(requestIds: readonly string[], settle: (pending: Pending) => void): void {
    const all = this.#pending;
    if (!all || all.size === 0) return;
    for (const id of requestIds) {
      const pending = all.get(id);
      if (!pending) continue;
      all.delete(id);
      settle(pending);
    }
    if (all.size === 0) this.#timers?.keepAlive(false);
  }

  rejectAll(error: AuthError): void {
    this.reject([...(this.#pending?.keys() ?? [])], error);
  }
}
