import type { KeyValueStorage } from './key-value-storage';

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
}

/** What {@link createCookieStorage} needs from one request/response pair. */
export interface CookieStorageInit {
  /** The request's `Cookie` header, if any. Called on every read. */
  getCookieHeader: () => string | undefined;
  /** Appends one `Set-Cookie` header value to the response. */
  setCookie: (serialized: string) => void;
  options?: CookieStorageOptions;
}

/** Browsers keep at most about 4 KB per cookie; this adapter refuses anything longer. */
const MAX_COOKIE_BYTES = 4096;
const SAME_SITE_VALUES: readonly CookieSameSite[] = ['Strict', 'Lax', 'None'];

/**
 * Storage in cookies, for server-side rendering: reads keys from the request's `Cookie`
 * header and writes `Set-Cookie` values for the response. Create one per request.
 *
 * Each key is one cookie. The cookie name is the key with every character outside the
 * RFC 6265 token set (and `%`) written as `%XX` (UTF-8); the value is `encodeURIComponent`-encoded.
 * Reads see this instance's earlier writes and removals (an overlay over the request header).
 * Removal writes the cookie with `Max-Age=0` and the same `Path`/`Domain`.
 *
 * **Size:** browsers drop cookies over about 4 KB, so a write whose serialized `Set-Cookie`
 * value (name, value and attributes) would exceed 4096 bytes rejects with a `RangeError` and
 * writes nothing. A session record with an IdP token can come close: keep `persistCredentials`
 * off and tokens short, or use another storage. Servers also cap the whole `Cookie` header
 * (often 8 KB).
 *
 * No `subscribe`, no leases: a request has nobody to share them with.
 *
 * @example
 * ```ts
 * // Node http / Express-style handler
 * const storage = createCookieStorage({
 *   getCookieHeader: () => req.headers.cookie,
 *   setCookie: (cookie) => res.appendHeader('Set-Cookie', cookie),
 *   options: { maxAgeSeconds: 60 * 60 * 24 * 30 },
 * });
 * await storage.setItem('idpool.session', record);
 * // Set-Cookie: idpool.session=%7B%22…; Path=/; Max-Age=2592000; Secure; HttpOnly; SameSite=Lax
 * ```
 */
export function createCookieStorage(init: CookieStorageInit): KeyValueStorage {
  if (typeof init?.getCookieHeader !== 'function') {
    throw new TypeError('createCookieStorage: getCookieHeader must be a function');
  }
  if (typeof init.setCookie !== 'function') {
    throw new TypeError('createCookieStorage: setCookie must be a function');
  }
  const attributes = serializeAttributes(init.options ?? {});
  const { getCookieHeader, setCookie } = init;
  const overlay = new Map<string, string | null>();

  function write(key: string, value: string | null): void {
    const name = cookieName(key);
    const serialized =
      value === null ? `${name}=${attributes.removal}` : `${name}=${encodeValue(key, value)}${attributes.write}`;
    const bytes = new TextEncoder().encode(serialized).length;
    if (bytes > MAX_COOKIE_BYTES) {
      throw new RangeError(
        `createCookieStorage: the cookie for key "${key}" would be ${bytes} bytes serialized, over the ${MAX_COOKIE_BYTES}-byte limit browsers keep; nothing was written`,
      );
    }
    setCookie(serialized);
    overlay.set(key, value);
  }

  return {
    async getItem(key) {
      if (overlay.has(key)) return overlay.get(key) ?? null;
      return readCookie(getCookieHeader(), cookieName(key));
    },
    async setItem(key, value) {
      write(key, value);
    },
    async removeItem(key) {
      write(key, null);
    },
  };
}

function serializeAttributes(options: CookieStorageOptions): { write: string; removal: string } {
  const path = options.path ?? '/';
  if (typeof path !== 'string' || !path.startsWith('/') || !isAttributeValue(path)) {
    throw new TypeError('createCookieStorage: options.path must start with "/" and hold no ";" or control characters');
  }
  const { domain } = options;
  if (domain !== undefined && (typeof domain !== 'string' || domain === '' || !isAttributeValue(domain) || /\s/.test(domain))) {
    throw new TypeError('createCookieStorage: options.domain must be a host name without spaces, ";" or control characters');
  }
  const secure = options.secure ?? true;
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
  return {
    write: `${scope}${maxAgeSeconds === undefined ? '' : `; Max-Age=${maxAgeSeconds}`}${flags}`,
    removal: `${scope}; Max-Age=0${flags}`,
  };
}

function isAttributeValue(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[;\u0000-\u001f\u007f]/.test(value);
}

/** RFC 6265 cookie names are RFC 7230 tokens; `%` is kept for the escapes, so it is escaped too. */
function cookieName(key: string): string {
  let name = '';
  for (const byte of new TextEncoder().encode(key)) {
    const char = String.fromCharCode(byte);
    name += /[A-Za-z0-9!#$&'*+\-.^_`|~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return name;
}

function encodeValue(key: string, value: string): string {
  try {
    return encodeURIComponent(value);
  } catch (error) {
    // Only lone UTF-16 surrogates fail here.
    throw new TypeError(`createCookieStorage: the value for key "${key}" is not well-formed Unicode`, { cause: error });
  }
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    let value = part.slice(separator + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      // Not written by this adapter: hand it back as it is.
      return value;
    }
  }
  return null;
}
