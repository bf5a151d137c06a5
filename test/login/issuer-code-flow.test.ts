// The local issuer's authorization code flow, attacked: redirect URIs matched exactly (any port on a
// loopback IP literal only), PKCE S256 required and checked, codes single-use and short-lived (a
// replay revokes what the code bought), state passed through, confidential clients authenticated.
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalOidcIssuer, type LocalOidcIssuer } from '../../src/local/index';
import { rawRequest } from '../local/raw-request';
import { basic, codeFor, json, pkce, postForm, signIn } from './issuer-client';

let clock = Date.UTC(2030, 0, 1);
let issuer: LocalOidcIssuer;
const PUBLIC = 'idpool-local-client';
const SECRET = 'backend-secret-0123456789';

beforeAll(async () => {
  issuer = await startLocalOidcIssuer({
    now: () => clock,
    idTokenTtlSeconds: 300,
    clients: [
      { clientId: PUBLIC },
      { clientId: 'backend', clientSecret: SECRET, redirectUris: ['https://app.example/cb'] },
    ],
  });
});
afterAll(async () => {
  await issuer.close();
});

const LOOPBACK = 'http://127.0.0.1:49152/callback';
const tokenRequest = (code: string, verifier: string, redirectUri = LOOPBACK, clientId = PUBLIC): Record<string, string> => ({
  grant_type: 'authorization_code',
  code,
  redirect_uri: redirectUri,
  code_verifier: verifier,
  client_id: clientId,
});

describe('authorization code flow', () => {
  it('signs in: code and state (and iss) in the query, then an id token for the client and a refresh token', async () => {
    const { verifier, challenge } = pkce();
    const state = 'st<a>te &=?';
    const { code, location } = await codeFor(issuer.issuer, { clientId: PUBLIC, redirectUri: LOOPBACK, challenge, state, nonce: 'n-1' });
    expect(`${location.origin}${location.pathname}`).toBe(LOOPBACK);
    expect(location.searchParams.get('state')).toBe(state);
    expect(location.searchParams.get('iss')).toBe(issuer.issuer);
    const reply = await postForm(issuer.issuer, '/token', tokenRequest(code, verifier));
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    const body = json(reply);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'openid offline_access' });
    expect(typeof body['refresh_token']).toBe('string');
    const claims = decodeJwt(body['id_token'] as string);
    expect(claims).toMatchObject({ iss: issuer.issuer, aud: PUBLIC, nonce: 'n-1', preferred_username: 'alice', exp: clock / 1000 + 300 });
  });

  it('no offline_access, no refresh token', async () => {
    const { verifier, challenge } = pkce();
    const { code } = await codeFor(issuer.issuer, { clientId: PUBLIC, redirectUri: LOOPBACK, challenge, scope: 'openid' });
    const body = json(await postForm(issuer.issuer, '/token', tokenRequest(code, verifier)));
    expect(body['refresh_token']).toBeUndefined();
    expect(body['id_token']).toEqual(expect.any(String));
  });

  it.each([
    ['another path', 'http://127.0.0.1:49152/other'],
    ['a query added', 'http://127.0.0.1:49152/callback?x=1'],
    ['a fragment', 'http://127.0.0.1:49152/callback#x'],
    ['localhost instead of the IP literal', 'http://localhost:49152/callback'],
    ['another loopback address', 'http://127.0.0.2:49152/callback'],
    ['a shortened IP', 'http://127.1:49152/callback'],
    ['https', 'https://127.0.0.1:49152/callback'],
    ['a foreign host', 'https://evil.example/callback'],
    ['userinfo', 'http://evil@127.0.0.1:49152/callback'],
  ])('refuses a redirect_uri with %s: an error page, never a redirect', async (_name, redirectUri) => {
    const { challenge } = pkce();
    const page = await rawRequest(issuer.issuer, {
      method: 'GET',
      path: `/authorize?${new URLSearchParams({ response_type: 'code', client_id: PUBLIC, redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256', scope: 'openid' })}`,
    });
    expect(page.status).toBe(400);
    expect(page.headers.location).toBeUndefined();
    const post = await signIn(issuer.issuer, { clientId: PUBLIC, redirectUri, challenge });
    expect(post.status).toBe(400);
    expect(post.headers.location).toBeUndefined();
  });

  it('an exact registered redirect for a non-loopback client; an unknown client gets an error page', async () => {
    const { challenge } = pkce();
    expect((await signIn(issuer.issuer, { clientId: 'backend', redirectUri: 'https://app.example/cb', challenge })).status).toBe(302);
    expect((await signIn(issuer.issuer, { clientId: 'backend', redirectUri: 'https://app.example:8443/cb', challenge })).status).toBe(400);
    for (const clientId of ['nobody', '__proto__', 'constructor']) {
      const reply = await signIn(issuer.issuer, { clientId, redirectUri: LOOPBACK, challenge });
      expect(reply.status).toBe(400);
      expect(reply.headers.location).toBeUndefined();
    }
  });

  it('PKCE is required, S256 only: otherwise the error goes back to the (valid) redirect', async () => {
    for (const extra of [{}, { code_challenge: pkce().challenge, code_challenge_method: 'plain' }, { code_challenge: 'short', code_challenge_method: 'S256' }]) {
      const reply = await signIn(issuer.issuer, { clientId: PUBLIC, redirectUri: LOOPBACK, state: 's', extra });
      const location = new URL(reply.headers.location ?? 'about:blank');
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('state')).toBe('s');
      expect(location.searchParams.get('code')).toBeNull();
    }
  });

  it('PKCE mismatch: a code is worthless without its verifier, and burnt by the attempt', async () => {
    const { verifier, challenge } = pkce();
    const { code } = await codeFor(issuer.issuer, { clientId: PUBLIC, redirectUri: LOOPBACK, challenge });
    const stolen = await postForm(issuer.issuer, '/token', tokenRequest(code, pkce().verifier));
    expect(stolen.status).toBe(400);
    expect(json(stolen)['error']).toBe('invalid_grant');
    expect(json(await postForm(issuer.issuer, '/token', tokenRequest(code, verifier)))['error']).toBe('invalid_grant');
    const { code: other } = await codeFor(issuer.issuer, { clientId: PUBLIC, redirectUri: LOOPBACK, challenge });
    expect(json(await postForm(issuer.issuer, '/token', tokenRequest(other, 'not-a-verifier')))['error']).toBe('invalid_request');
  });

  it('the token request must repeat the exact redirect_uri, port included', async () => {
    const { verifier, challenge } = pkce();
    const { code } = await codeFor(issuer.issuer, { clientId: PUBLIC, redirectUri: LOOPBACK, challenge });
    const reply = await postForm(issuer.issuer, '/token', tokenRequest(code, verifier, 'http://127.0.0.1:49153/callback'));
    expect(json(reply)['error']).toBe('invalid_grant');
  });

  it('codes are single-use: a replay fails and revokes the refresh token the code bought', async () => {
    const { verifier, challenge } = pkce();
    const { code } = await codeFor(issuer.issuer, { clientId: PUBLIC, redirectUri: LOOPBACK, challenge });
    const first = json(await postForm(issuer.issuer, '/token', tokenRequest(code, verifier)));
    const replay = await postForm(issuer.issuer, '/token', tokenRequest(code, verifier));
    expect(json(replay)['error']).toBe('invalid_grant');
    const refresh = await postForm(issuer.issuer, '/token', { grant_type: 'refresh_token', refresh_token: first['refresh_token'] as string, client_id: PUBLIC });
    expect(json(refresh)['error']).toBe('invalid_grant');
  });

  it('codes live 60 s on the issuer clock', async () => {
    const { verifier, challenge } = pkce();
    const { code } = await codeFor(issuer.issuer, { clientId: PUBLIC, redirectUri: LOOPBACK, challenge });
    clock += 61_000;
    expect(json(await postForm(issuer.issuer, '/token', tokenRequest(code, verifier)))['error']).toBe('invalid_grant');
  });

  it('Cancel refuses consent: access_denied and the state, no code', async () => {
    const reply = await signIn(issuer.issuer, { clientId: PUBLIC, redirectUri: LOOPBACK, challenge: pkce().challenge, state: 'xyz' }, 'alice', 'deny');
    const location = new URL(reply.headers.location ?? 'about:blank');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.get('code')).toBeNull();
  });
});

describe('client authentication', () => {
  const backendCode = async (): Promise<{ code: string; verifier: string }> => {
    const { verifier, challenge } = pkce();
    const { code } = await codeFor(issuer.issuer, { clientId: 'backend', redirectUri: 'https://app.example/cb', challenge });
    return { code, verifier };
  };
  const grant = (code: string, verifier: string): Record<string, string> => ({ grant_type: 'authorization_code', code, redirect_uri: 'https://app.example/cb', code_verifier: verifier });

  it('a confidential client must authenticate (basic or post), once, with its secret', async () => {
    const cases: Array<[Record<string, string>, Record<string, string>, number, string | undefined]> = [
      [{ client_id: 'backend' }, {}, 401, 'invalid_client'],
      [{ client_id: 'backend', client_secret: 'wrong-secret-000' }, {}, 401, 'invalid_client'],
      [{}, basic('backend', 'wrong-secret-000'), 401, 'invalid_client'],
      [{ client_secret: SECRET }, basic('backend', SECRET), 400, 'invalid_request'],
      [{ client_id: PUBLIC }, basic('backend', SECRET), 401, 'invalid_client'],
      [{}, { authorization: 'Basic !!!' }, 401, 'invalid_client'],
      [{}, basic('backend', SECRET), 200, undefined],
      [{ client_id: 'backend', client_secret: SECRET }, {}, 200, undefined],
    ];
    for (const [formAuth, headers, status, error] of cases) {
      const { code, verifier } = await backendCode();
      const reply = await postForm(issuer.issuer, '/token', { ...grant(code, verifier), ...formAuth }, headers);
      expect({ formAuth, status: reply.status, error: json(reply)['error'] }).toEqual({ formAuth, status, error });
    }
  });

  it('a public client sends no secret; the code of one client is not another\'s', async () => {
    const { verifier, challenge } = pkce();
    const { code } = await codeFor(issuer.issuer, { clientId: PUBLIC, redirectUri: LOOPBACK, challenge });
    expect(json(await postForm(issuer.issuer, '/token', { ...tokenRequest(code, verifier), client_secret: 'anything-at-all' }))['error']).toBe('invalid_client');
    const { code: backend, verifier: backendVerifier } = await backendCode();
    expect(json(await postForm(issuer.issuer, '/token', { ...grant(backend, backendVerifier), client_id: PUBLIC }))['error']).toBe('invalid_grant');
  });

  it('refuses duplicated parameters, other content types, unknown grants and prototype names', async () => {
    const { verifier, challenge } = pkce();
    const { code } = await codeFor(issuer.issuer, { clientId: PUBLIC, redirectUri: LOOPBACK, challenge });
    const twice = `${new URLSearchParams(tokenRequest(code, verifier))}&redirect_uri=${encodeURIComponent('http://127.0.0.1:1/callback')}`;
    expect(json(await postForm(issuer.issuer, '/token', twice))['error']).toBe('invalid_request');
    const asJson = await rawRequest(issuer.issuer, { method: 'POST', path: '/token', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tokenRequest(code, verifier)) });
    expect(asJson.status).toBe(400);
    for (const grantType of ['password', 'constructor', '__proto__']) {
      expect(json(await postForm(issuer.issuer, '/token', { grant_type: grantType, client_id: PUBLIC }))['error']).toBe('unsupported_grant_type');
    }
    expect((await rawRequest(issuer.issuer, { method: 'GET', path: '/token' })).status).toBe(404);
    expect((await rawRequest(issuer.issuer, { method: 'POST', path: '/__proto__', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' })).status).toBe(404);
  });
});
