import { createAuth, type AuthState } from 'idpool';
import { localPoolFromQuery, loginsKeyOf, mintLocalToken } from '../shared/local-pool';

const pool = localPoolFromQuery(location.search);
const auth = createAuth({ identityPoolId: pool.identityPoolId, endpoint: pool.endpoint });

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = element('status');
const identity = element('identity');
const signIn = element<HTMLButtonElement>('sign-in');
const refresh = element<HTMLButtonElement>('force-refresh');
const clear = element<HTMLButtonElement>('clear');
const log = element<HTMLOListElement>('log');
const error = element('error');

function render(state: AuthState): void {
  const busy = state.value === 'federating' || state.value === 'refreshing';
  status.textContent = state.value;
  identity.textContent = state.identityId ?? '—';
  signIn.hidden = state.identityId !== undefined;
  refresh.hidden = clear.hidden = state.identityId === undefined;
  signIn.disabled = refresh.disabled = busy;
}

function run(action: () => Promise<unknown>): void {
  error.textContent = '';
  action().catch((failure: Error) => (error.textContent = `${failure.name}: ${failure.message}`));
}

auth.state$.subscribe(render);
auth.events$.subscribe((event) => {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()} ${event.type}`;
  log.prepend(item);
});

signIn.addEventListener('click', () =>
  run(async () => auth.federateToIdentityPool({ token: await mintLocalToken(pool.issuer, 'alice'), provider: loginsKeyOf(pool.issuer) })),
);
refresh.addEventListener('click', () => run(() => auth.fetchAuthSession({ forceRefresh: true })));
clear.addEventListener('click', () => run(() => auth.clearFederationToIdentityPool()));
