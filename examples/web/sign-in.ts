import { decodeJWT } from 'idpool';

const PENDING_KEY = 'idpool-demo:sign-in';

/** Sends the browser to the issuer's login page (OpenID Connect implicit flow, id token in the fragment). */
export function startSignIn(issuer: string, clientId: string): void {
  const state = crypto.randomUUID();
  const nonce = crypto.randomUUID();
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ state, nonce }));
  const query = new URLSearchParams({
    client_id: clientId,
    response_type: 'id_token',
    scope: 'openid profile',
    redirect_uri: `${location.origin}${location.pathname}`,
    state,
    nonce,
  });
  location.assign(`${issuer}/authorize?${query}`);
}

export interface SignInResult {
  idToken: string;
  username: string;
}

/**
 * Reads the issuer's answer from the URL fragment, once: the fragment is removed from the address
 * bar at once, and the answer is accepted only if `state` and `nonce` are the ones this tab sent.
 */
export function completeSignIn(): SignInResult | undefined {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const idToken = fragment.get('id_token');
  if (idToken === null) return undefined;
  history.replaceState(null, '', `${location.pathname}${location.search}`);
  const pending = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const expected = pending === null ? undefined : (JSON.parse(pending) as { state: string; nonce: string });
  if (expected === undefined || fragment.get('state') !== expected.state) throw new Error('The sign-in answer does not match a sign-in this tab started.');
  const { payload } = decodeJWT(idToken);
  if (payload.nonce !== expected.nonce) throw new Error('The id token was not issued for this sign-in (nonce mismatch).');
  const username = typeof payload.preferred_username === 'string' ? payload.preferred_username : String(payload.sub);
  return { idToken, username };
}
