import type { Observable } from 'rxjs';
import type { AuthEvent, AuthEventType } from '../index';

/** Hub's `{ event, data }` for one idpool event: `event` is the idpool event type, `data` the rest of it. */
export type AuthHubPayload = {
  [K in AuthEventType]: { event: K; data: Omit<Extract<AuthEvent, { type: K }>, 'type'> };
}[AuthEventType];

/** What a `listen('auth', …)` callback receives, shaped like Amplify's `HubCapsule`. */
export interface AuthHubCapsule {
  channel: 'auth';
  payload: AuthHubPayload;
  source: 'idpool';
}

export type AuthHubCallback = (capsule: AuthHubCapsule) => void;

/**
 * Turns an idpool event into Hub's `{ event, data }` payload: the same fields, never a token or secret.
 *
 * @example
 * ```ts
 * auth.events$.subscribe((event) => Hub.dispatch('auth', toHubPayload(event)));
 * ```
 */
export function toHubPayload(event: AuthEvent): AuthHubPayload {
  const { type, ...data } = event;
  return { event: type, data } as AuthHubPayload;
}

/** `Hub.listen('auth', callback)` over `events$`; returns the unsubscribe function. */
export function listenToAuthEvents(events$: Observable<AuthEvent>, channel: string, callback: AuthHubCallback): () => void {
  if (channel !== 'auth') throw new TypeError(`listen: only the 'auth' channel is available, got '${String(channel)}'.`);
  if (typeof callback !== 'function') throw new TypeError('listen: callback must be a function.');
  const subscription = events$.subscribe((event) => callback({ channel: 'auth', payload: toHubPayload(event), source: 'idpool' }));
  return () => subscription.unsubscribe();
}
