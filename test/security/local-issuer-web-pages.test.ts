import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalOidcIssuer, type LocalOidcIssuer } from '../../src/local/index';
import { rawRequest } from '../local/raw-request';

// The local issuer signs in anyone, so its tokens are only as safe as the set of callers that can
// obtain them. A process on this machine can; a web page from elsewhere, opened in the developer's
// browser, must not: it would hold a token for any subject and buy the local pool's credentials.

const EVIL = 'https://evil.example';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

let issuer: LocalOidcIssuer;
let allowing: LocalOidcIssuer;
beforeAll(async () => {
  issuer = await startLocalOidcIssuer();
  allowing = await startLocalOidcIssuer({ allowedHosts: ['idpool.test'] });
});
afterAll(async () => {
  await issuer.close();
  await allowing.close();
});

describe('local issuer: a foreign web page cannot obtain tokens', () => {
  it('/mint called from a foreign origin → 403, no token, no CORS grant', async () => {
    const reply = await rawRequest(issuer.issuer, { method: 'GET', path: '/mint?sub=victim', headers: { origin: EVIL } });
    expect(reply.status).toBe(403);
    expect(reply.body).not.toContain('id_token');
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
  });

  it("/mint called from a loopback page (the examples') is answered and readable by that origin only", async () => {
    const origin = 'http://127.0.0.1:8000';
    const reply = await rawRequest(issuer.issuer, { method: 'GET', path: '/mint?sub=me', headers: { origin } });
    expect(reply.status).toBe(200);
    expect(reply.headers['access-control-allow-origin']).toBe(origin);
    expect(reply.headers.vary).toMatch(/Origin/i);
    // Without an Origin (curl, the CLI, Node's fetch) it is answered as before, with no CORS grant.
    const plain = await rawRequest(issuer.issuer, { method: 'GET', path: '/mint?sub=me' });
    expect(plain.status).toBe(200);
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
  });

  it.each(['null', 'http://localhost.evil.example', 'http://127.0.0.1.nip.io:8000', 'not a url'])(
    '/mint with Origin %j → 403',
    async (origin) => {
      const reply = await rawRequest(issuer.issuer, { method: 'GET', path: '/mint', headers: { origin } });
      expect(reply.status).toBe(403);
    },
  );

  it('a cross-site form POST to /authorize (login CSRF) → 403, no redirect carrying a token', async () => {
    const form = new URLSearchParams({ redirect_uri: 'http://127.0.0.1:5173/cb', username: 'victim' });
    const reply = await rawRequest(issuer.issuer, {
      method: 'POST',
      path: '/authorize',
      headers: { ...FORM, origin: EVIL },
      body: form.toString(),
    });
    expect(reply.status).toBe(403);
    expect(reply.headers.location).toBeUndefined();
  });

  it('/authorize refuses a redirect_uri off this machine (open redirect that would hand the id token away)', async () => {
    const page = await rawRequest(issuer.issuer, {
      method: 'GET',
      path: `/authorize?redirect_uri=${encodeURIComponent(`${EVIL}/steal`)}`,
    });
    expect(page.status).toBe(400);
    const form = new URLSearchParams({ redirect_uri: `${EVIL}/steal`, username: 'victim' });
    const post = await rawRequest(issuer.issuer, { method: 'POST', path: '/authorize', headers: FORM, body: form.toString() });
    expect(post.status).toBe(400);
    expect(post.headers.location).toBeUndefined();
  });

  it('the login page posting to itself (same origin), a loopback redirect and an allowed host still sign in', async () => {
    const origin = issuer.issuer;
    const form = new URLSearchParams({ redirect_uri: 'http://localhost:5173/cb', username: 'me' });
    const reply = await rawRequest(issuer.issuer, { method: 'POST', path: '/authorize', headers: { ...FORM, origin }, body: form.toString() });
    expect(reply.status).toBe(302);
    expect(reply.headers.location).toMatch(/^http:\/\/localhost:5173\/cb#id_token=/);

    const allowed = new URLSearchParams({ redirect_uri: 'https://idpool.test/cb', username: 'me' });
    const viaAllowed = await rawRequest(allowing.issuer, {
      method: 'POST',
      path: '/authorize',
      headers: { ...FORM, origin: 'https://idpool.test' },
      body: allowed.toString(),
    });
    expect(viaAllowed.status).toBe(302);
    expect(viaAllowed.headers.location).toMatch(/^https:\/\/idpool\.test\/cb#id_token=/);
  });
});

describe('local issuer: the code and device flows against a foreign page', () => {
  it.each(['/token', '/device', '/device_authorization', '/revoke'])('a cross-site POST to %s → 403, nothing done', async (path) => {
    const reply = await rawRequest(issuer.issuer, { method: 'POST', path, headers: { ...FORM, origin: EVIL }, body: 'client_id=idpool-local-client&scope=openid' });
    expect(reply.status).toBe(403);
    expect(reply.body).not.toContain('device_code');
  });

  it('the device page escapes what the query puts in it, and does not echo long input', async () => {
    const payload = '"><script>alert(1)</script>';
    const reply = await rawRequest(issuer.issuer, { method: 'GET', path: `/device?user_code=${encodeURIComponent(payload)}` });
    expect(reply.status).toBe(200);
    expect(reply.body).not.toContain('<script>');
    const long = await rawRequest(issuer.issuer, { method: 'GET', path: `/device?user_code=${'A'.repeat(100)}` });
    expect(long.body).not.toContain('A'.repeat(100));
  });

  it('its pages cannot be framed and load nothing', async () => {
    for (const path of ['/device', '/authorize?redirect_uri=http%3A%2F%2F127.0.0.1%3A5173%2Fcb']) {
      const reply = await rawRequest(issuer.issuer, { method: 'GET', path });
      expect(reply.headers['x-frame-options']).toBe('DENY');
      expect(reply.headers['content-security-policy']).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
    }
  });

  it('a code-flow request for an unregistered redirect gets an error page, not a redirect carrying the error', async () => {
    const query = new URLSearchParams({ response_type: 'code', client_id: 'idpool-local-client', redirect_uri: `${EVIL}/cb`, code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
    const reply = await rawRequest(issuer.issuer, { method: 'GET', path: `/authorize?${query}` });
    expect(reply.status).toBe(400);
    expect(reply.headers.location).toBeUndefined();
  });
});

describe('local issuer: attacks it already withstood', () => {
  it('query parameters cannot inject markup into the login page (XSS)', async () => {
    const payload = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
    const query = new URLSearchParams({ redirect_uri: `http://127.0.0.1/${payload}`, state: payload, nonce: payload, client_id: payload });
    const reply = await rawRequest(issuer.issuer, { method: 'GET', path: `/authorize?${query}` });
    expect(reply.status).toBe(200);
    expect(reply.body).not.toContain('<script>');
    expect(reply.body).not.toContain('<img');
  });

  it('the JWKS publishes public key parts only', async () => {
    const reply = await rawRequest(issuer.issuer, { method: 'GET', path: '/.well-known/jwks.json' });
    const { keys } = JSON.parse(reply.body) as { keys: Record<string, unknown>[] };
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key).not.toHaveProperty(part);
  });
});
