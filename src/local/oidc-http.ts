import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './read-body';

/** The largest form any issuer endpoint reads. */
export const MAX_FORM_BYTES = 64 * 1024;

export function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...headers,
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

export const sendJson = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void =>
  send(res, status, 'application/json', JSON.stringify(value), headers);

export const sendHtml = (res: ServerResponse, status: number, html: string): void =>
  send(res, status, 'text/html; charset=utf-8', html, {
    // The pages load nothing and run no script; a frame elsewhere must not show them (clickjacking).
    // No form-action: browsers apply it to the redirect after the form too, which goes to the app.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'X-Frame-Options': 'DENY',
  });

export function sendRedirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store', 'Content-Length': 0 });
  res.end();
}

/** An OAuth error answer (RFC 6749 §5.2); descriptions are fixed texts, never request text. */
export function sendOAuthError(res: ServerResponse, status: number, error: string, description: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error, error_description: description }, { ...headers, Pragma: 'no-cache' });
}

export type FormRead =
  | { readonly kind: 'ok'; readonly form: URLSearchParams }
  | { readonly kind: 'error'; readonly status: 400 | 413 | 415; readonly description: string };

/**
 * A POSTed `application/x-www-form-urlencoded` body, bounded. A parameter given twice is refused
 * (RFC 6749 §3.1, §3.2): which of two `redirect_uri`s counts must never be a guess.
 */
export async function readForm(req: IncomingMessage): Promise<FormRead> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    req.resume();
    return { kind: 'error', status: 415, description: 'The body must be application/x-www-form-urlencoded.' };
  }
  const read = await readBody(req, MAX_FORM_BYTES);
  if (read.kind !== 'ok') return { kind: 'error', status: 413, description: 'The form is too large.' };
  const form = new URLSearchParams(read.body);
  const seen = new Set<string>();
  for (const name of form.keys()) {
    if (seen.has(name)) return { kind: 'error', status: 400, description: 'A parameter is given more than once.' };
    seen.add(name);
  }
  return { kind: 'ok', form };
}

/** `scope` as a list of distinct values; undefined when it holds characters RFC 6749 §3.3 does not allow. */
export function parseScope(text: string | null): string[] | undefined {
  if (text === null) return [];
  if (!/^[\x21\x23-\x5b\x5d-\x7e ]*$/.test(text) || text.length > 1024) return undefined;
  return [...new Set(text.split(' ').filter((part) => part !== ''))];
}
