import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CLIENT_ID, startLocalOidcIssuer, type LocalOidcIssuer } from '../../src/local/index';

let issuer: LocalOidcIssuer;
const NOW = Date.UTC(2030, 0, 1);
beforeAll(async () => {
  issuer = await startLocalOidcIssuer({ now: () => NOW });
});
afterAll(async () => {
  await issuer.close();
});

describe('local OIDC issuer', () => {
  it('serves a discovery document on loopback whose JWKS verifies minted tokens', async () => {
    expect(issuer.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(issuer.loginsKey).toBe(issuer.issuer.replace('http://', ''));
    const discovery = (await (await fetch(`${issuer.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({ issuer: issuer.issuer, jwks_uri: issuer.jwksUri, authorization_endpoint: `${issuer.issuer}/authorize` });

    const token = await issuer.mintToken({ sub: 'alice', email: 'alice@example.com' });
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUri)), {
      issuer: issuer.issuer,
      audience: LOCAL_CLIENT_ID,
      currentDate: new Date(NOW),
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ sub: 'alice', email: 'alice@example.com', iat: NOW / 1000, exp: NOW / 1000 + 3600 });
  });

  it('defaults sub to a fresh id, and takes expiresIn, audience and nbf', async () => {
    const a = decodeJwt(await issuer.mintToken());
    const b = decodeJwt(await issuer.mintToken());
    expect(a.sub).toEqual(expect.any(String));
    expect(a.sub).not.toBe(b.sub);
    const custom = decodeJwt(await issuer.mintToken({ nbf: NOW / 1000 + 5 }, { expiresIn: -60, audience: ['x', 'y'] }));
    expect(custom).toMatchObject({ exp: NOW / 1000 - 60, aud: ['x', 'y'], nbf: NOW / 1000 + 5, iss: issuer.issuer });
  });

  it('mints over HTTP on the dev-only /mint route', async () => {
    const response = await fetch(`${issuer.issuer}/mint?sub=carol&expiresIn=120`);
    expect(response.status).toBe(200);
    const { id_token } = (await response.json()) as { id_token: string };
    expect(decodeJwt(id_token)).toMatchObject({ sub: 'carol', exp: NOW / 1000 + 120 });
    expect((await fetch(`${issuer.issuer}/mint?expiresIn=soon`)).status).toBe(400);
  });

  it('shows a login form on /authorize and redirects with id_token and state in the fragment', async () => {
    const query = new URLSearchParams({
      redirect_uri: 'http://127.0.0.1:5173/callback',
      state: 'st<at>e',
      nonce: 'n-1',
      client_id: 'demo-client',
    });
    const page = await fetch(`${issuer.issuer}/authorize?${query}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('id="username"');
    expect(html).toMatch(/<button id="sign-in"[^>]*>Sign in<\/button>/);
    expect(html).toContain('value="st&lt;at&gt;e"');
    expect(html).not.toContain('st<at>e');

    const signIn = async (username: string) => {
      const form = new URLSearchParams(query);
      form.set('username', username);
      const response = await fetch(`${issuer.issuer}/authorize`, { method: 'POST', body: form, redirect: 'manual' });
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location') as string);
      expect(`${location.origin}${location.pathname}`).toBe('http://127.0.0.1:5173/callback');
      return new URLSearchParams(location.hash.slice(1));
    };
    const first = await signIn('alice');
    expect(first.get('state')).toBe('st<at>e');
    const claims = decodeJwt(first.get('id_token') as string);
    expect(claims).toMatchObject({ aud: 'demo-client', nonce: 'n-1', preferred_username: 'alice', iss: issuer.issuer });
    const again = decodeJwt((await signIn('alice')).get('id_token') as string);
    const other = decodeJwt((await signIn('bob')).get('id_token') as string);
    expect(again.sub).toBe(claims.sub);
    expect(other.sub).not.toBe(claims.sub);
  });

  it('refuses a missing or non-http redirect_uri and an empty username', async () => {
    expect((await fetch(`${issuer.issuer}/authorize`)).status).toBe(400);
    expect((await fetch(`${issuer.issuer}/authorize?redirect_uri=javascript:alert(1)`)).status).toBe(400);
    const form = new URLSearchParams({ redirect_uri: 'http://127.0.0.1:5173/cb', username: '  ' });
    const response = await fetch(`${issuer.issuer}/authorize`, { method: 'POST', body: form, redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Enter a username.');
  });

  it('validates its options', async () => {
    await expect(startLocalOidcIssuer({ port: -1 })).rejects.toThrow(TypeError);
    await expect(startLocalOidcIssuer({ audience: '' })).rejects.toThrow(/audience/);
  });
});
