import { readable, type Readable } from 'svelte/store';
import type { Auth, AuthState } from 'idpool';

/**
 * `auth.state$` as a Svelte store, for `$authState` in components. `state$` replays the current
 * state to each subscriber, so the store is never stale; it unsubscribes when the last component
 * does. (An RxJS observable already meets Svelte's store contract, so `$auth.state$`-style use of
 * the observable itself works too; the wrapper adds the store's type and an initial value.)
 */
export function authStateStore(auth: Auth): Readable<AuthState> {
  return readable<AuthState>({ value: 'restoring' }, (set) => {
    const subscription = auth.state$.subscribe(set);
    return () => subscription.unsubscribe();
  });
}
