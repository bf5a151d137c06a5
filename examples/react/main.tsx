import { createRoot } from 'react-dom/client';
import { createAuth } from 'idpool';
import { localPoolFromQuery, loginsKeyOf, mintLocalToken } from '../shared/local-pool';
import { App } from './App';

const pool = localPoolFromQuery(location.search);
// One engine for the whole app, created outside React so re-renders never recreate it.
const auth = createAuth({ identityPoolId: pool.identityPoolId, endpoint: pool.endpoint });

createRoot(document.getElementById('root')!).render(
  <App auth={auth} provider={loginsKeyOf(pool.issuer)} signIn={() => mintLocalToken(pool.issuer, 'alice')} />,
);
