import type { StorageOperation } from '../errors/error-classes';
import type { KeyValueStorage } from './key-value-storage';
import { cookieName, decodeValue, describeHeader, encodeValue, readCookies, serializeAttributes, type CookieStorageOptions } from './cookie-format';

export type { CookieSameSite, CookieStorageOptions } from './cookie-format';
import { storageError, toStorageError } from './storage-failure';

/** What {@link createCookieStorage} needs from one request/response pair. */
export interface CookieStorageInit {
  /**
   * The request's `Cookie` header, if any (`undefined` or `null` when there is none). Called on
   * every read. An array (HTTP/2 cookie crumbs, several `cookie` headers) is read as one header,
   * its parts joined by `"; "`; anything else rejects with a `StorageError` (`reason: 'failed'`).
   */
  getCookieHeader: () => string | readonly string[] | null | undefined;
  /** Appends one `Set-Cookie` header value to the response. */
  setCookie: (serialized: string) => void;
  options?: CookieStorageOptions;
  /**
   * `getCookieHeader` shows this adapter's writes at once, as `document.cookie` does: each write is
   * then read back, and rejects when the browser did not keep it. Default `false` (a request's
   * `Cookie` header never changes).
   */
  verifyWrites?: boolean;
}

/** Browsers keep at most about 4 KB per cookie; this adapter refuses anything longer. */
const MAX_COOKIE_BYTES = 4096;
/** More `cookie` header crumbs than any client sends is not a header. */
const MAX_HEADER_PARTS = 1024;

/**
 * Storage in cookies, for server-side rendering: reads keys from the request's `Cookie`
 * header and writes `Set-Cookie` values for the response. Create one per request.
 *
 * Each key is one cookie. The cookie name is the key with every character outside the
 * RFC 6265 token set (and `%`) written as `%XX` (UTF-8), behind a prefix that browsers enforce:
 * `__Host-` for a `Secure` cookie with `Path=/` and no `Domain` (the default: no other host,
 * subdomain or path can set or shadow it), `__Secure-` for any other `Secure` cookie, none
 * otherwise. The value is `encodeURIComponent`-encoded. Reads see this instance's earlier writes
 * and removals (an overlay over the request header). Removal writes the cookie with `Max-Age=0`
 * and the same `Path`/`Domain`.
 *
 * **Tampering:** a `Cookie` header holding two cookies of the key's name (a sibling subdomain
 * or a deeper path can plant a second one of an unprefixed name) is not resolved by picking
 * one: `getItem` rejects with a `StorageError` whose `reason` is `'tampered'`, so idpool restores
 * nothing and reports it.
 *
 * **Migration from unprefixed names** (idpool before the prefix): an unprefixed cookie is
 * anyone's to plant, so it is not read unless `migrateUnprefixed` is set, and then only while no
 * prefixed one exists; each write or removal of a key also expires its unprefixed cookie when
 * the request still carries one, so old cookies go away after one response either way.
 *
 * **Size:** browsers drop cookies over about 4 KB, so a write whose serialized `Set-Cookie`
 * value (name, value and attributes) would exceed 4096 bytes rejects with a `StorageError`
 * (`reason: 'tooLarge'`) and writes nothing: the earlier cookie, if any, is still there. A
 * session record with an IdP token can come close: keep `persistCredentials` off and tokens
 * short, or use another storage. Servers also cap the whole `Cookie` header (often 8 KB). With
 * `verifyWrites`, a cookie the browser refused anyway rejects too.
 *
 * Every failure rejects with a `StorageError` (`adapter: 'cookie'`, the `operation`); neither
 * message nor cause holds the value.
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
 * // Set-Cookie: __Host-idpool.session=%7B%22…; Path=/; Max-Age=2592000; Secure; HttpOnly; SameSite=Lax
 *
 * // In a page, on document.cookie (not HttpOnly then), every write read back:
 * const pageStorage = createCookieStorage({
 *   getCookieHeader: () => document.cookie,
 *   setCookie: (cookie) => { document.cookie = cookie; },
 *   options: { httpOnly: false },
 *   verifyWrites: true,
 * });
 * ```
 */
export function createCookieStorage(init: CookieStorageInit): KeyValueStorage {
  if (typeof init?.getCookieHeader !== 'function') {
    throw new TypeError('createCookieStorage: getCookieHeader must be a function');
  }
  if (typeof init.setCookie !== 'function') {
    throw new TypeError('createCookieStorage: setCookie must be a function');
  }
  const options = init.options ?? {};
  const attributes = serializeAttributes(options);
  const migrateUnprefixed = options.migrateUnprefixed ?? false;
  if (typeof migrateUnprefixed !== 'boolean') {
    throw new TypeError('createCookieStorage: options.migrateUnprefixed must be a boolean');
  }
  const verifyWrites = init.verifyWrites ?? false;
  const { getCookieHeader, setCookie } = init;
  // A Map: keys named like Object.prototype members are ordinary keys.
  const overlay = new Map<string, string | null>();
  const legacyExpired = new Set<string>();

  function header(operation: StorageOperation, key: string): string | undefined {
    let raw: unknown;
    try {
      raw = getCookieHeader();
    } catch (error) {
      throw toStorageError(error, { adapter: 'cookie', operation, key, reason: 'unavailable' });
    }
    if (typeof raw === 'string') return raw;
    if (raw === undefined || raw === null) return undefined;
    // Cookie crumbs (HTTP/2 may send several `cookie` headers) are one header joined by "; "
    // (RFC 9113, 8.2.3), so a duplicate across crumbs is still seen as tampering.
    if (Array.isArray(raw) && raw.length <= MAX_HEADER_PARTS && raw.every((part) => typeof part === 'string')) return raw.join('; ');
    throw storageError(`idpool cookie storage: getCookieHeader returned ${describeHeader(raw)}, not a string`, {
      adapter: 'cookie',
      operation,
      key,
      reason: 'failed',
    });
  }

  /** The one value under `name`; two or more is tampering, never resolved by picking one. */
  function single(cookieHeader: string | undefined, name: string, key: string, operation: StorageOperation): string | null {
    const values = readCookies(cookieHeader, name);
    if (values.length > 1) {
      throw storageError(
        `idpool cookie storage: the request carries ${values.length} cookies named for key "${key}"; treating them as tampered`,
        { adapter: 'cookie', operation, key, reason: 'tampered' },
      );
    }
    return values[0] ?? null;
  }

  function read(key: string): string | null {
    const cookieHeader = header('getItem', key);
    const value = single(cookieHeader, attributes.prefix + cookieName(key), key, 'getItem');
    if (value !== null || attributes.prefix === '' || !migrateUnprefixed) return value === null ? null : decodeValue(value);
    const legacy = single(cookieHeader, cookieName(key), key, 'getItem');
    return legacy === null ? null : decodeValue(legacy);
  }

  function emit(serialized: string, operation: StorageOperation, key: string, value?: string): void {
    try {
      setCookie(serialized);
    } catch (error) {
      throw toStorageError(error, { adapter: 'cookie', operation, key, ...(value === undefined ? {} : { value }) });
    }
  }

  function write(key: string, value: string | null): void {
    const operation: StorageOperation = value === null ? 'removeItem' : 'setItem';
    const name = attributes.prefix + cookieName(key);
    const encoded = value === null ? null : encodeValue(key, value);
    const serialized = encoded === null ? `${name}=${attributes.removal}` : `${name}=${encoded}${attributes.write}`;
    const bytes = new TextEncoder().encode(serialized).length;
    if (bytes > MAX_COOKIE_BYTES) {
      throw storageError(
        `idpool cookie storage: the cookie for key "${key}" would be ${bytes} bytes serialized, over the ${MAX_COOKIE_BYTES}-byte limit browsers keep; it is too large and nothing was written`,
        { adapter: 'cookie', operation, key, reason: 'tooLarge' },
      );
    }
    // Read before writing: with verifyWrites the header changes under us.
    const carriesLegacy =
      attributes.prefix !== '' && !legacyExpired.has(key) && readCookies(header(operation, key), cookieName(key)).length > 0;
    emit(serialized, operation, key, value ?? undefined);
    if (carriesLegacy) {
      emit(`${cookieName(key)}=${attributes.removal}`, operation, key);
      legacyExpired.add(key);
    }
    if (verifyWrites) verify(key, name, encoded, operation);
    overlay.set(key, value);
  }

  function verify(key: string, name: string, encoded: string | null, operation: StorageOperation): void {
    const kept = readCookies(header(operation, key), name);
    if (kept.length > 1) {
      throw storageError(`idpool cookie storage: the page holds ${kept.length} cookies named for key "${key}"; treating them as tampered`, {
        adapter: 'cookie',
        operation,
        key,
        reason: 'tampered',
      });
    }
    const ok = encoded === null ? kept.length === 0 : kept[0] === encoded;
    if (!ok) {
      throw storageError(
        `idpool cookie storage: the browser did not keep the ${encoded === null ? 'removal' : 'cookie'} for key "${key}" (too large for it, blocked, or a Secure cookie on an insecure page)`,
        { adapter: 'cookie', operation, key, reason: 'failed' },
      );
    }
  }

  return {
    async getItem(key) {
      if (!verifyWrites && overlay.has(key)) return overlay.get(key) ?? null;
      return read(key);
    },
    async setItem(key, value) {
      write(key, value);
    },
    async removeItem(key) {
      write(key, null);
    },
  };
}
