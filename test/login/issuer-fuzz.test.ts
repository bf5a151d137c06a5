// Hostile forms against the issuer's back-channel endpoints and pages: whatever the parameters
// (prototype names, duplicates, odd characters, huge values), the answer is a client error with an
// OAuth error code (or the page again), never a server error, never tokens.
import { fc } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalOidcIssuer, type LocalOidcIssuer } from '../../src/local/index';
import { rawRequest } from '../local/raw-request';
import { FORM } from './issuer-client';

let issuer: LocalOidcIssuer;
beforeAll(async () => {
  issuer = await startLocalOidcIssuer({ clients: [{ clientId: 'idpool-local-client' }, { clientId: 'secret-app', clientSecret: 'a-secret-of-length' }] });
});
afterAll(async () => {
  await issuer.close();
});

const names = fc.constantFrom(
  'grant_type', 'code', 'redirect_uri', 'code_verifier', 'client_id', 'client_secret', 'refresh_token', 'device_code', 'scope',
  'user_code', 'username', 'action', 'token', 'response_type', 'code_challenge', 'code_challenge_method', 'state', 'nonce',
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', '',
);
const values = fc.oneof(
  fc.constantFrom('authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code', 'idpool-local-client', 'secret-app', 'openid', 'openid offline_access', 'S256', 'approve', 'deny', '__proto__', 'http://127.0.0.1:1/callback'),
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 1000, maxLength: 3000 }),
);
const forms = fc.array(fc.tuple(names, values), { maxLength: 8 });

describe('the issuer under hostile forms', () => {
  it('answers every POST with a client error and an OAuth error (or a page), never 5xx, never a token', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/token', '/device_authorization', '/revoke', '/device', '/authorize'), forms, fc.boolean(), async (path, pairs, basic) => {
        const body = new URLSearchParams(pairs).toString();
        const headers: Record<string, string> = { ...FORM, ...(basic ? { authorization: `Basic ${Buffer.from('secret-app:a-secret-of-length').toString('base64')}` } : {}) };
        const reply = await rawRequest(issuer.issuer, { method: 'POST', path, headers, body });
        expect(reply.status).toBeLessThan(500);
        // A page may echo what was typed; it never carries a signed token.
        expect(reply.body).not.toMatch(/eyJ[\w-]+\.eyJ/);
        if (path === '/device' || path === '/authorize') return;
        expect(reply.body).not.toMatch(/"(id_token|refresh_token|access_token)":/);
        if (path === '/device_authorization' && reply.status === 200) return; // a device code: harmless, bounded
        if (path === '/revoke' && reply.status === 200) return; // revocation answers 200 for unknown tokens (RFC 7009)
        expect(reply.status).toBeGreaterThanOrEqual(400);
        expect(JSON.parse(reply.body)).toEqual({ error: expect.stringMatching(/^[a-z_]+$/), error_description: expect.any(String) });
      }),
      { numRuns: 150 },
    );
  });
});
