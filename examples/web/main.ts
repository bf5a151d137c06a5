import { createAuth, createWebStorage, type AuthState } from 'idpool';
import type { DemoConfig } from './demo-config';
import { appendEvent } from './event-log';
import { completeSignIn, startSignIn } from './sign-in';
import { mountStateChart } from './state-chart';
import { humanStateName } from './state-names';
import './style.css';

/** The signed-in user's name, kept beside the session so a reload can show it (the session holds no name). */
const USER_KEY = 'idpool-demo:user';

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const view = {
  status: byId('status'),
  stateHuman: byId('state-human'),
  restored: byId('restored'),
  user: byId('user'),
  identityId: byId('identity-id'),
  expiresIn: byId('expires-in'),
  expiryBar: byId<HTMLProgressElement>('expiry-bar'),
  error: byId('error'),
  signIn: byId<HTMLButtonElement>('start-sign-in'),
  refresh: byId<HTMLButtonElement>('force-refresh'),
  clear: byId<HTMLButtonElement>('clear'),
  log: byId<HTMLOListElement>('event-log'),
};

const config = (await (await fetch('./demo-config.json')).json()) as DemoConfig;
// localStorage keeps the identity id and the id token (never the AWS secrets: persistCredentials is
// off), so a reload restores the session with one GetCredentialsForIdentity and no new sign-in.
const auth = createAuth({ identityPoolId: config.identityPoolId, endpoint: config.endpoint, storage: createWebStorage() });
const loginsKey = new URL(config.issuer).host;

let current: AuthState = { value: 'restoring' };
auth.state$.subscribe((state) => {
  current = state;
  const busy = state.value === 'restoring' || state.value === 'federating' || state.value === 'refreshing';
  const federated = state.identityId !== undefined && !state.guest;
  view.status.textContent = state.value;
  view.status.dataset.state = state.value;
  view.stateHuman.textContent = humanStateName(state.value, false);
  view.identityId.textContent = state.identityId ?? '—';
  view.user.textContent = federated ? (localStorage.getItem(USER_KEY) ?? '—') : '—';
  view.signIn.disabled = busy;
  view.refresh.disabled = busy || !federated;
  view.clear.disabled = !federated;
  renderCountdown();
});
auth.events$.subscribe((event) => {
  appendEvent(view.log, event);
  if (event.type === 'sessionRestored') view.restored.hidden = false;
  if (event.type === 'federationToIdentityPoolCleared') {
    localStorage.removeItem(USER_KEY);
    view.restored.hidden = true;
  }
});
mountStateChart(byId('state-chart'), auth);

function renderCountdown(): void {
  if (current.expiration === undefined) {
    view.expiresIn.textContent = '—';
    view.expiryBar.value = 0;
    return;
  }
  const seconds = Math.max(0, Math.round((current.expiration - Date.now()) / 1000));
  view.expiresIn.textContent = `${seconds} s`;
  view.expiryBar.max = config.credentialsTtlSeconds;
  view.expiryBar.value = seconds;
}
setInterval(renderCountdown, 250);

function run(action: () => Promise<unknown>): void {
  view.error.textContent = '';
  action().catch((failure: unknown) => {
    const { name, message } = failure instanceof Error ? failure : new Error(String(failure));
    view.error.textContent = `${name}: ${message}`;
  });
}

view.signIn.addEventListener('click', () => startSignIn(config.issuer, config.clientId));
view.refresh.addEventListener('click', () => run(() => auth.fetchAuthSession({ forceRefresh: true })));
view.clear.addEventListener('click', () => run(() => auth.clearFederationToIdentityPool()));

// Back from the issuer's login page: federate the id token it sent.
run(async () => {
  const signedIn = completeSignIn();
  if (!signedIn) return;
  localStorage.setItem(USER_KEY, signedIn.username);
  await auth.federateToIdentityPool({ token: signedIn.idToken, provider: loginsKey });
  view.user.textContent = signedIn.username;
});
