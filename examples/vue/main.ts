import { createApp } from 'vue';
import { createAuth } from 'idpool';
import { localPoolFromQuery, loginsKeyOf, mintLocalToken } from '../shared/local-pool';
import { App } from './App';

const pool = localPoolFromQuery(location.search);
const auth = createAuth({ identityPoolId: pool.identityPoolId, endpoint: pool.endpoint });

createApp(App, {
  auth,
  provider: loginsKeyOf(pool.issuer),
  signIn: () => mintLocalToken(pool.issuer, 'alice'),
}).mount('#app');
