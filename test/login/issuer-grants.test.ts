// The local issuer's refresh tokens (rotating; a reused one revokes its whole sign-in) and device
// authorization grant (pending, slow_down, approval on the /device page, access_denied,
// expired_token), on the issuer's injected clock; its discovery document; its bounded stores.
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalOidcIssuer, type LocalOidcIssuer } from '../../src/local/index';
import { rawRequest } from '../local/raw-request';
import { codeFor, json, pkce, postForm } from './issuer-client';

let clock = Date.UTC(2030, 0, 1);
let issuer: LocalOidcIssuer;
const CLIENT = 'idpool-local-client';
const LOOPBACK = 'http://127.0.0.1:50000/callback';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

beforeAll(async () => {
  issuer = await startLocalOidcIssuer({
    now: () => clock,
    refreshTokenTtlSeconds: 3600,
    deviceCodeTtlSeconds: 120,
    devicePollIntervalSeconds: 5,
    clients: [{ clientId: CLIENT }, { clientId: 'other-app' }],
  });
});
afterAll(async () => {
  await issuer.close();
});

async function signedIn(username = 'alice', clientId = CLIENT): Promise<Record<string, unknown>> {
  const { verifier, challenge } = pkce();
  const redirectUri = LOOPBACK;
  const { code } = await codeFor(issuer.issuer, { clientId, redirectUri, challenge }, username);
  return json(await postForm(issuer.issuer, '/token', { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: clientId }));
}
const refresh = async (token: unknown, clientId = CLIENT, extra: Record<string, string> = {}) =>
  json(await postForm(issuer.issuer, '/token', { grant_type: 'refresh_token', refresh_token: token as string, client_id: clientId, ...extra }));

describe('refresh tokens', () => {
  it('rotate: each use returns a new id token for the same user and a new refresh token', async () => {
    const first = await signedIn('alice');
    const second = await refresh(first['refresh_token']);
    expect(second['refresh_token']).toEqual(expect.any(String));
    expect(second['refresh_token']).not.toBe(first['refresh_token']);
    expect(decodeJwt(second['id_token'] as string).sub).toBe(decodeJwt(first['id_token'] as string).sub);
    expect(decodeJwt(second['id_token'] as string).nonce).toBeUndefined();
    expect((await refresh(second['refresh_token']))['id_token']).toEqual(expect.any(String));
  });

  it('reuse of a rotated token revokes the whole sign-in, the newest token included', async () => {
    const first = await signedIn('bob');
    const second = await refresh(first['refresh_token']);
    expect((await refresh(first['refresh_token']))['error']).toBe('invalid_grant');
    expect((await refresh(second['refresh_token']))['error']).toBe('invalid_grant');
  });

  it("another client can neither use nor revoke a client's refresh token; the scope cannot widen", async () => {
    const mine = await signedIn('carol');
    expect((await refresh(mine['refresh_token'], 'other-app'))['error']).toBe('invalid_grant');
    const narrow = await signedIn('carol');
    expect((await refresh(narrow['refresh_token'], CLIENT, { scope: 'openid profile' }))['error']).toBe('invalid_scope');
    expect((await refresh(mine['refresh_token']))['refresh_token']).toEqual(expect.any(String));
  });

  it('end with their sign-in (rotation does not extend it), on revocation and with revokeRefreshTokens()', async () => {
    const aging = await signedIn('dave');
    clock += 1800_000;
    const rotated = await refresh(aging['refresh_token']);
    clock += 1801_000;
    expect((await refresh(rotated['refresh_token']))['error']).toBe('invalid_grant');

    const revoked = await signedIn('erin');
    const reply = await postForm(issuer.issuer, '/revoke', { token: revoked['refresh_token'] as string, client_id: CLIENT });
    expect(reply.status).toBe(200);
    expect((await refresh(revoked['refresh_token']))['error']).toBe('invalid_grant');

    const everywhere = await signedIn('frank');
    expect(issuer.revokeRefreshTokens()).toBeGreaterThanOrEqual(1);
    expect((await refresh(everywhere['refresh_token']))['error']).toBe('invalid_grant');
  });
});

async function startDevice(clientId = CLIENT): Promise<Record<string, unknown>> {
  return json(await postForm(issuer.issuer, '/device_authorization', { client_id: clientId, scope: 'openid offline_access' }));
}
const poll = async (deviceCode: unknown, clientId = CLIENT) =>
  json(await postForm(issuer.issuer, '/token', { grant_type: DEVICE_GRANT, device_code: deviceCode as string, client_id: clientId }));
const decide = (userCode: string, action: 'approve' | 'deny', username = 'gina') =>
  postForm(issuer.issuer, '/device', { user_code: userCode, username, action });

describe('device authorization grant', () => {
  it('pending, slow_down when polled too fast, then tokens once the user approves on /device', async () => {
    const started = await startDevice();
    expect(started).toMatchObject({ verification_uri: `${issuer.issuer}/device`, expires_in: 120, interval: 5 });
    expect(started['user_code']).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(started['verification_uri_complete']).toBe(`${issuer.issuer}/device?user_code=${started['user_code'] as string}`);
    expect((await poll(started['device_code']))['error']).toBe('authorization_pending');
    expect((await poll(started['device_code']))['error']).toBe('slow_down');
    clock += 10_000; // the interval is now 10 s
    expect((await poll(started['device_code']))['error']).toBe('authorization_pending');
    const page = await rawRequest(issuer.issuer, { method: 'GET', path: `/device?user_code=${started['user_code'] as string}` });
    expect(page.body).toContain(`value="${started['user_code'] as string}"`);
    const approved = await decide((started['user_code'] as string).toLowerCase().replace('-', ''), 'approve');
    expect(approved.status).toBe(200);
    clock += 10_000;
    const tokens = await poll(started['device_code']);
    expect(decodeJwt(tokens['id_token'] as string)).toMatchObject({ aud: CLIENT, preferred_username: 'gina' });
    expect(tokens['refresh_token']).toEqual(expect.any(String));
    clock += 10_000;
    expect((await poll(started['device_code']))['error']).toBe('invalid_grant'); // answered once
    expect((await decide(started['user_code'] as string, 'approve')).status).toBe(400); // decided once
  });

  it('access_denied when the user cancels; expired_token after the code expires; invalid_grant for another client', async () => {
    const denied = await startDevice();
    await decide(denied['user_code'] as string, 'deny');
    expect((await poll(denied['device_code']))['error']).toBe('access_denied');

    const stale = await startDevice();
    expect((await poll(stale['device_code'], 'other-app'))['error']).toBe('invalid_grant');
    clock += 121_000;
    expect((await decide(stale['user_code'] as string, 'approve')).status).toBe(400);
    expect((await poll(stale['device_code']))['error']).toBe('expired_token');
  });

  it('an unknown user code is refused on the page; the device endpoint needs openid and a known client', async () => {
    const reply = await decide('BCDF-GHJK', 'approve');
    expect(reply.status).toBe(400);
    expect(reply.body).toContain('unknown, expired or already used');
    expect(json(await postForm(issuer.issuer, '/device_authorization', { client_id: CLIENT, scope: 'profile' }))['error']).toBe('invalid_scope');
    expect(json(await postForm(issuer.issuer, '/device_authorization', { client_id: 'hasOwnProperty', scope: 'openid' }))['error']).toBe('invalid_client');
  });

  it('bounds the device codes waiting at once (temporarily_unavailable past 1000)', async () => {
    const answers = [];
    for (let batch = 0; batch < 11; batch += 1) {
      answers.push(...(await Promise.all(Array.from({ length: 100 }, () => postForm(issuer.issuer, '/device_authorization', { client_id: CLIENT, scope: 'openid' })))));
    }
    const refused = answers.filter((answer) => answer.status === 503);
    expect(refused.length).toBeGreaterThanOrEqual(100);
    expect(json(refused[0] as (typeof answers)[number])['error']).toBe('temporarily_unavailable');
    clock += 121_000; // they expire, and make room again
    expect((await postForm(issuer.issuer, '/device_authorization', { client_id: CLIENT, scope: 'openid' })).status).toBe(200);
  });
});

describe('discovery', () => {
  it('names every endpoint and what it supports', async () => {
    const discovery = json(await rawRequest(issuer.issuer, { method: 'GET', path: '/.well-known/openid-configuration' }));
    expect(discovery).toMatchObject({
      issuer: issuer.issuer,
      authorization_endpoint: `${issuer.issuer}/authorize`,
      token_endpoint: `${issuer.issuer}/token`,
      device_authorization_endpoint: `${issuer.issuer}/device_authorization`,
      revocation_endpoint: `${issuer.issuer}/revoke`,
      jwks_uri: issuer.jwksUri,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
    expect(discovery['grant_types_supported']).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', DEVICE_GRANT]));
    expect(discovery['scopes_supported']).toEqual(expect.arrayContaining(['openid', 'offline_access']));
    expect(discovery['token_endpoint_auth_methods_supported']).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'none']));
  });

  it('validates the new options', async () => {
    await expect(startLocalOidcIssuer({ idTokenTtlSeconds: 0 })).rejects.toThrow(/idTokenTtlSeconds/);
    await expect(startLocalOidcIssuer({ clients: [] })).rejects.toThrow(/clients/);
    await expect(startLocalOidcIssuer({ clients: [{ clientId: 'a', clientSecret: 'short' }] })).rejects.toThrow(/clientSecret/);
    await expect(startLocalOidcIssuer({ clients: [{ clientId: 'a', redirectUris: ['http://127.0.0.1/cb#frag'] }] })).rejects.toThrow(/fragment/);
    await expect(startLocalOidcIssuer({ clients: [{ clientId: 'a' }, { clientId: 'a' }] })).rejects.toThrow(/twice/);
  });
});
