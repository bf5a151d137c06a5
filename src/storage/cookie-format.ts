import { toStorageError } from './storage-failure';

// The cookie format: names, values and attributes as RFC 6265 and browsers want them, and the
// reading of a request's `Cookie` header.

/** The `SameSite` attribute of the cookies written. */
export type CookieSameSite = 'Strict' | 'Lax' | 'None';

/** Attributes of every cookie {@link createCookieStorage} writes. */
export interface CookieStorageOptions {
  /** `Path`. Default `'/'`. */
  path?: string;
  /** `Domain`. Default: none (host-only cookie). */
  domain?: string;
  /** `Secure`. Default `true`; `sameSite: 'None'` requires it. */
  secure?: boolean;
  /** `SameSite`. Default `'Lax'`. */
  sameSite?: CookieSameSite;
  /** `HttpOnly`, hiding the cookie from page scripts. Default `true`: the session is read on the server. */
  httpOnly?: boolean;
  /** `Max-Age` in whole seconds. Default: none (a browser-session cookie). */
  maxAgeSeconds?: number;
  /**
   * Read a key's unprefixed cookie (as idpool wrote it before cookie prefixes) while no prefixed
   * one exists. Default `false`: an unprefixed cookie can be planted by a sibling subdomain.
   */
  migrateUnprefixed?: boolean;
}

const SAME_SITE_VALUES: readonly CookieSameSite[] = ['Strict', 'Lax', 'None'];

export function serializeAttributes(options: CookieStorageOptions): { prefix: string; write: string; removal: string } {
  const path = options.path ?? '/';
  if (typeof path !== 'string' || !path.startsWith('/') || !isAttributeValue(path)) {
    throw new TypeError('createCookieStorage: options.path must start with "/" and hold no ";" or control characters');
  }
  const { domain } = options;
  if (domain !== undefined && (typeof domain !== 'string' || domain === '' || !isAttributeValue(domain) || /\s/.test(domain))) {
    throw new TypeError('createCookieStorage: options.domain must be a host name without spaces, ";" or control characters');
  }
  const secure = options.secure ?? true;
  if (typeof secure !== 'boolean') throw new TypeError('createCookieStorage: options.secure must be a boolean');
  const sameSite = options.sameSite ?? 'Lax';
  if (!SAME_SITE_VALUES.includes(sameSite)) {
    throw new TypeError('createCookieStorage: options.sameSite must be "Strict", "Lax" or "None"');
  }
  if (sameSite === 'None' && !secure) {
    throw new TypeError('createCookieStorage: options.sameSite "None" requires options.secure (browsers reject it otherwise)');
  }
  const { maxAgeSeconds } = options;
  if (maxAgeSeconds !== undefined && (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds <= 0)) {
    throw new TypeError('createCookieStorage: options.maxAgeSeconds must be a positive whole number of seconds');
  }
  const httpOnly = options.httpOnly ?? true;

  const scope = `; Path=${path}${domain === undefined ? '' : `; Domain=${domain}`}`;
  const flags = `${secure ? '; Secure' : ''}${httpOnly ? '; HttpOnly' : ''}; SameSite=${sameSite}`;
  // Browsers refuse a `__Host-` cookie unless Secure, Path=/ and host-only; `__Secure-` only needs Secure.
  const prefix = !secure ? '' : path === '/' && domain === undefined ? '__Host-' : '__Secure-';
  return {
    prefix,
    write: `${scope}${maxAgeSeconds === undefined ? '' : `; Max-Age=${maxAgeSeconds}`}${flags}`,
    removal: `${scope}; Max-Age=0${flags}`,
  };
}

/** Names the kind of a wrong header value, never its content. */
export function describeHeader(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length} items, not all strings or too many`;
  return value === null ? 'null' : `a ${typeof value}`;
}

function isAttributeValue(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[;\u0000-\u001f\u007f]/.test(value);
}

/** RFC 6265 cookie names are RFC 7230 tokens; `%` is kept for the escapes, so it is escaped too. */
export function cookieName(key: string): string {
  let name = '';
  for (const byte of new TextEncoder().encode(key)) {
    const char = String.fromCharCode(byte);
    name += /[A-Za-z0-9!#$&'*+\-.^_`|~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return name;
}

export function encodeValue(key: string, value: string): string {
  try {
    return encodeURIComponent(value);
  } catch (error) {
    // Only lone UTF-16 surrogates fail here; URIError's message quotes nothing.
    throw toStorageError(
      error,
      { adapter: 'cookie', operation: 'setItem', key },
      `idpool cookie storage: the value for key "${key}" is not well-formed Unicode`,
    );
  }
}

export function decodeValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    // Not written by this adapter: hand it back as it is.
    return value;
  }
}

/** Every raw value under `name` in a `Cookie` header, in order, surrounding quotes removed. */
export function readCookies(header: string | undefined, name: string): string[] {
  const values: string[] = [];
  if (!header) return values;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    let value = part.slice(separator + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    values.push(value);
  }
  return values;
}
