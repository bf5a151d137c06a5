import { mount } from 'svelte';
import { createAuth } from 'idpool';
import { localPoolFromQuery, loginsKeyOf, mintLocalToken } from '../shared/local-pool';
import App from './App.svelte';

const pool = localPoolFromQuery(location.search);
const auth = createAuth({ identityPoolId: pool.identityPoolId, endpoint: pool.endpoint });

mount(App, {
  target: document.getElementById('app')!,
  props: { auth, provider: loginsKeyOf(pool.issuer), signIn: () => mintLocalToken(pool.issuer, 'alice') },
});
