// The AuthActivity service bound to a page with subscriptions, as Angular's `async` pipe would bind
// it to a template: the page only renders what the service's streams emit.
import { createAuth } from 'idpool';
import { localPoolFromQuery, loginsKeyOf, mintLocalToken } from '../shared/local-pool';
import { AuthActivity } from './auth-activity';

const pool = localPoolFromQuery(location.search);
const auth = createAuth({ identityPoolId: pool.identityPoolId, endpoint: pool.endpoint });
const activity = new AuthActivity(auth);

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const signIn = element<HTMLButtonElement>('sign-in');
const refresh = element<HTMLButtonElement>('force-refresh');
const clear = element<HTMLButtonElement>('clear');
const error = element('error');

auth.state$.subscribe((state) => (element('status').textContent = state.value));
activity.signedIn$.subscribe((signedIn) => {
  element('signed-in').textContent = signedIn ? 'yes' : 'no';
  signIn.hidden = signedIn;
  refresh.hidden = clear.hidden = !signedIn;
});
activity.identityId$.subscribe((identityId) => (element('identity').textContent = identityId ?? '—'));
activity.errors$.subscribe((text) => (error.textContent = text));
activity.feed$.subscribe((feed) => {
  element('feed').replaceChildren(
    ...feed.map((entry) => {
      const item = document.createElement('li');
      item.dataset.type = entry.type;
      item.textContent = entry.text;
      return item;
    }),
  );
});

function run(action: () => Promise<unknown>): void {
  error.textContent = '';
  action().catch((failure: Error) => (error.textContent = `${failure.name}: ${failure.message}`));
}

signIn.addEventListener('click', () =>
  run(async () => auth.federateToIdentityPool({ token: await mintLocalToken(pool.issuer, 'alice'), provider: loginsKeyOf(pool.issuer) })),
);
refresh.addEventListener('click', () => run(() => auth.fetchAuthSession({ forceRefresh: true })));
clear.addEventListener('click', () => run(() => auth.clearFederationToIdentityPool()));
