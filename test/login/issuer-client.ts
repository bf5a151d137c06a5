import { createHash, randomBytes } from 'node:crypto';
import { rawRequest, type RawReply } from '../local/raw-request';

/** A PKCE pair (RFC 7636, S256). */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** POSTs a form to one of the issuer's endpoints, exactly as given. */
export function postForm(issuer: string, path: string, form: Record<string, string> | URLSearchParams | string, headers: Record<string, string> = {}): Promise<RawReply> {
  const body = typeof form === 'string' ? form : new URLSearchParams(form).toString();
  return rawRequest(issuer, { method: 'POST', path, headers: { ...FORM, ...headers }, body });
}

export const json = (reply: RawReply): Record<string, unknown> => JSON.parse(reply.body) as Record<string, unknown>;

export interface CodeRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly challenge?: string;
  readonly scope?: string;
  readonly state?: string;
  readonly nonce?: string;
  readonly extra?: Record<string, string>;
}

/** The sign-in form posted by a user who signs in (or refuses): the issuer's redirect, unfollowed. */
export function signIn(issuer: string, request: CodeRequest, username = 'alice', action: 'approve' | 'deny' = 'approve'): Promise<RawReply> {
  const form: Record<string, string> = {
    response_type: 'code',
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    scope: request.scope ?? 'openid offline_access',
    ...(request.challenge === undefined ? {} : { code_challenge: request.challenge, code_challenge_method: 'S256' }),
    ...(request.state === undefined ? {} : { state: request.state }),
    ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
    ...request.extra,
    username,
    action,
  };
  return postForm(issuer, '/authorize', form);
}

/** Signs in and returns the code from the redirect (failing loudly if there is none). */
export async function codeFor(issuer: string, request: CodeRequest, username = 'alice'): Promise<{ code: string; location: URL }> {
  const reply = await signIn(issuer, request, username);
  const location = new URL(reply.headers.location ?? 'about:blank');
  const code = location.searchParams.get('code');
  if (reply.status !== 302 || code === null) throw new Error(`no code: ${reply.status} ${reply.headers.location ?? reply.body.slice(0, 200)}`);
  return { code, location };
}

export const basic = (id: string, secret: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
});
