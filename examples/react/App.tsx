import { useSelector } from '@xstate/react';
import { useState } from 'react';
import type { Auth } from 'idpool';

export interface AppProps {
  auth: Auth;
  /** The provider's Logins key, e.g. the local issuer's `127.0.0.1:4010`. */
  provider: string;
  /** Your sign-in flow: resolves with the identity provider's id token. */
  signIn: () => Promise<string>;
}

/** Selects from the engine's actor: the component re-renders only when a selected value changes. */
export function App({ auth, provider, signIn }: AppProps) {
  const status = useSelector(auth.actor, (snapshot) =>
    typeof snapshot.value === 'string' ? snapshot.value : Object.keys(snapshot.value)[0],
  );
  const identityId = useSelector(auth.actor, (snapshot) => snapshot.context.identityId);
  const busy = useSelector(auth.actor, (snapshot) => snapshot.matches('federating') || snapshot.matches('refreshing'));
  const [error, setError] = useState<string>();

  const run = (action: () => Promise<unknown>) => () => {
    setError(undefined);
    action().catch((failure: Error) => setError(`${failure.name}: ${failure.message}`));
  };

  return (
    <main>
      <p>
        State: <strong data-testid="status">{status}</strong>
      </p>
      <p>Identity: {identityId ?? '—'}</p>
      {identityId === undefined ? (
        <button disabled={busy} onClick={run(async () => auth.federateToIdentityPool({ token: await signIn(), provider }))}>
          Sign in
        </button>
      ) : (
        <>
          <button disabled={busy} onClick={run(() => auth.fetchAuthSession({ forceRefresh: true }))}>
            Force refresh
          </button>
          <button onClick={run(() => auth.clearFederationToIdentityPool())}>Clear</button>
        </>
      )}
      {error !== undefined && <p role="alert">{error}</p>}
    </main>
  );
}
