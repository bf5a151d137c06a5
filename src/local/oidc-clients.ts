import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** A client the local issuer's authorization code, refresh and device grants serve. */
export interface LocalOidcClient {
  /** `client_id`; also the `aud` of the id tokens it receives. */
  readonly clientId: string;
  /**
   * Set for a confidential client: the token, device authorization and revocation endpoints then
   * require it (`client_secret_basic` or `client_secret_post`). Unset: a public client (`none`).
   */
  readonly clientSecret?: string;
  /**
   * Redirect URIs for the authorization code flow, matched exactly, except that on a loopback IP
   * literal (`http://127.0.0.1`, `http://[::1]`) any port matches (RFC 8252 §7.3: native apps listen
   * on an ephemeral port). Default `['http://127.0.0.1/callback']`.
   */
  readonly redirectUris?: readonly string[];
}

export interface RegisteredClient {
  readonly clientId: string;
  readonly secretDigest?: Buffer;
  readonly redirectUris: readonly URL[];
}

const LOOPBACK_LITERALS = new Set(['127.0.0.1', '[::1]']);
const MAX_CLIENTS = 100;

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

function checkRedirectUri(text: unknown, option: string): URL {
  if (typeof text !== 'string' || !URL.canParse(text)) throw new TypeError(`"${option}" must hold absolute URLs`);
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`"${option}" must hold http or https URLs`);
  if (url.hash !== '' || text.includes('#')) throw new TypeError(`"${option}" must not have a fragment (RFC 6749 §3.1.2)`);
  return url;
}

/** Validates the `clients` option (TypeError naming it) into a registry keyed by client id. */
export function registerClients(clients: readonly LocalOidcClient[] | undefined, defaultClientId: string): ReadonlyMap<string, RegisteredClient> {
  const list = clients ?? [{ clientId: defaultClientId }];
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_CLIENTS) {
    throw new TypeError(`"clients" must be an array of 1 to ${MAX_CLIENTS} clients`);
  }
  const registry = new Map<string, RegisteredClient>();
  list.forEach((client: LocalOidcClient, index) => {
    const option = `clients[${index}]`;
    if (typeof client !== 'object' || client === null) throw new TypeError(`"${option}" must be { clientId, clientSecret?, redirectUris? }`);
    if (typeof client.clientId !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(client.clientId)) {
      throw new TypeError(`"${option}.clientId" must be 1 to 128 printable ASCII characters`);
    }
    if (registry.has(client.clientId)) throw new TypeError(`"${option}.clientId" is registered twice`);
    if (client.clientSecret !== undefined && (typeof client.clientSecret !== 'string' || client.clientSecret.length < 8)) {
      throw new TypeError(`"${option}.clientSecret" must be a string of at least 8 characters`);
    }
    const uris = client.redirectUris ?? ['http://127.0.0.1/callback'];
    if (!Array.isArray(uris)) throw new TypeError(`"${option}.redirectUris" must be an array of URLs`);
    registry.set(client.clientId, {
      clientId: client.clientId,
      ...(client.clientSecret === undefined ? {} : { secretDigest: digest(client.clientSecret) }),
      redirectUris: uris.map((uri) => checkRedirectUri(uri, `${option}.redirectUris`)),
    });
  });
  return registry;
}

/** Whether `requested` is one of the client's redirect URIs: exact, but any port on a loopback IP literal. */
export function matchesRedirectUri(client: RegisteredClient, requested: string): boolean {
  if (!URL.canParse(requested) || requested.includes('#')) return false;
  const url = new URL(requested);
  return client.redirectUris.some((registered) => {
    if (registered.protocol === 'http:' && LOOPBACK_LITERALS.has(registered.hostname) && registered.port === '') {
      // The port is the only part allowed to differ; the URL's own serialization of the rest must match.
      const withoutPort = new URL(url.href);
      withoutPort.port = '';
      return url.protocol === 'http:' && withoutPort.href === registered.href && /^http:\/\/(127\.0\.0\.1|\[::1\])(:\d{1,5})?\//.test(requested);
    }
    return requested === registered.href;
  });
}

export type ClientAuthentication =
  | { readonly kind: 'ok'; readonly client: RegisteredClient }
  | { readonly kind: 'error'; readonly status: 400 | 401; readonly error: 'invalid_client' | 'invalid_request'; readonly description: string };

function basicCredentials(header: string | undefined): { id: string; secret: string } | 'malformed' | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header.trim());
  if (match === null) return 'malformed';
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const split = decoded.indexOf(':');
  if (split < 0) return 'malformed';
  try {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
    const form = (text: string): string => decodeURIComponent(text.replace(/\+/g, ' '));
    return { id: form(decoded.slice(0, split)), secret: form(decoded.slice(split + 1)) };
  } catch {
    return 'malformed';
  }
}

const invalidClient = (description: string): ClientAuthentication => ({ kind: 'error', status: 401, error: 'invalid_client', description });

/**
 * Authenticates the client of a back-channel request: `client_secret_basic` or `client_secret_post`
 * for a confidential client (the secret compared in constant time), `client_id` alone for a public
 * one. Using two methods at once, or a secret for a public client, is refused.
 */
export function authenticateClient(
  headers: IncomingHttpHeaders,
  form: URLSearchParams,
  clients: ReadonlyMap<string, RegisteredClient>,
): ClientAuthentication {
  const basic = basicCredentials(typeof headers.authorization === 'string' ? headers.authorization : undefined);
  if (basic === 'malformed') return invalidClient('The Authorization header is not valid client_secret_basic.');
  const formId = form.get('client_id');
  const formSecret = form.get('client_secret');
  if (basic !== undefined && formSecret !== null) return { kind: 'error', status: 400, error: 'invalid_request', description: 'Use one client authentication method.' };
  if (basic !== undefined && formId !== null && formId !== basic.id) return invalidClient('client_id does not match the authenticated client.');
  const clientId = basic?.id ?? formId;
  if (clientId === null || clientId === '') return invalidClient('The client is not identified.');
  const client = clients.get(clientId);
  if (client === undefined) return invalidClient('Unknown client.');
  const secret = basic?.secret ?? formSecret;
  if (client.secretDigest === undefined) {
    return secret === null ? { kind: 'ok', client } : invalidClient('This client is public: it has no secret to send.');
  }
  if (secret === null || !timingSafeEqual(digest(secret), client.secretDigest)) return invalidClient('Client authentication failed.');
  return { kind: 'ok', client };
}
