import type { SessionView } from '../../machines/auth.types';
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
  readonly #pending = new Map<string, Pending>();
  #sequence = 0;

  open(): { requestId: string; settled: Promise<SessionView> } {
    const requestId = `r${++this.#sequence}`;
    const settled = new Promise<SessionView>((resolve, reject) => {
      this.#pending.set(requestId, { resolve, reject });
    });
    return { requestId, settled };
  }

  isOpen(requestId: string): boolean {
    return this.#pending.has(requestId);
  }

  resolve(requestIds: readonly string[], session: SessionView): void {
    for (const id of requestIds) {
      this.#pending.get(id)?.resolve(session);
      this.#pending.delete(id);
    }
  }

  reject(requestIds: readonly string[], error: AuthError): void {
    for (const id of requestIds) {
      this.#pending.get(id)?.reject(error);
      this.#pending.delete(id);
    }
  }

  rejectAll(error: AuthError): void {
    this.reject([...this.#pending.keys()], error);
  }
}
