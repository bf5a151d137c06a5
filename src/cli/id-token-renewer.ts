import * as oidc from 'openid-client';
import type { KeyValueStorage, RefreshedToken, RefreshHandler } from '../index';
import { readLoginRecord, writeLoginRecord, type LoginRecord } from './login-record';
import { discoverIssuer, PROVIDER_TIMEOUT_S, toProviderError } from './oidc-client';

/** A stored id token with at least this long left is used as it is. */
export const MIN_TOKEN_LIFE_MS = 20_000;
/** The lease in the session file that lets one process renew at a time. */
export const RENEWAL_LEASE_KEY = 'idpool.cli.login.renewal';
// Discovery and the refresh each take at most PROVIDER_TIMEOUT_S; the lease outlasts both.
const LEASE_TTL_MS = (2 * PROVIDER_TIMEOUT_S + 5) * 1000;
const POLL_MS = 200;
const NO_REFRESH_TOKEN = 'the id token expired and the provider gave no refresh token to renew it';

/** Renewal is impossible: the user must sign in again (`message` says why, without any token). */
export class LoginRequiredError extends Error {
  override readonly name = 'LoginRequiredError';
}

const usable = (record: LoginRecord, now: number): boolean => record.idTokenExpiresAt - now >= MIN_TOKEN_LIFE_MS;
const renewedSince = (record: LoginRecord, seen: string, now: number): boolean =>
  usable(record, now) || (record.idToken !== seen && record.idTokenExpiresAt > now);
const asRefreshed = (record: LoginRecord): RefreshedToken => ({ token: record.idToken, expiresAt: record.idTokenExpiresAt });

/**
 * Keeps a session's id token usable: the stored one while it has time left, else a new one from
 * the provider's refresh token grant (openid-client validates the new id token; its `sub` must not
 * change). The refresh token rotates, so of several idpool processes renewing at once only the
 * holder of the session file's lease asks the provider; the others wait for its result — a second
 * use of the old refresh token would make the provider revoke the session.
 *
 * `handler` is given to `createAuth({ refreshHandlers })`, so the engine's refresh rules decide when.
 */
export class IdTokenRenewer {
  /** Why renewal is impossible, once that is known (the engine wraps the handler's errors). */
  failure: LoginRequiredError | undefined;
  readonly #storage: Required<KeyValueStorage>;
  readonly #now: () => number;

  constructor(storage: Required<KeyValueStorage>, now: () => number = Date.now) {
    this.#storage = storage;
    this.#now = now;
  }

  readonly handler: RefreshHandler = () => this.usableToken();

  /** An id token with at least {@link MIN_TOKEN_LIFE_MS} left, or a freshly renewed one. */
  async usableToken(): Promise<RefreshedToken> {
    try {
      const record = await this.#current();
      if (usable(record, this.#now())) return asRefreshed(record);
      if (record.refreshToken === undefined) throw new LoginRequiredError(NO_REFRESH_TOKEN);
      return await this.#renew(record.idToken);
    } catch (error) {
      if (error instanceof LoginRequiredError) this.failure = error;
      throw error;
    }
  }

  async #current(): Promise<LoginRecord> {
    const record = await readLoginRecord(this.#storage);
    if (record === undefined) throw new LoginRequiredError('the session was signed out');
    return record;
  }

  /**
   * A token renewed since `seen` was read: a peer's, or one this process asks for once it holds the
   * lease. A peer may finish without a renewal this process can use (it wrote its token before
   * `seen` was read, and that token is short-lived): the lease is then free, and taken.
   */
  async #renew(seen: string): Promise<RefreshedToken> {
    // A peer that dies holding the lease frees it after its TTL: wait a little longer than that.
    const deadline = this.#now() + LEASE_TTL_MS + 5 * POLL_MS;
    for (;;) {
      const lease = await this.#storage.tryAcquireLease(RENEWAL_LEASE_KEY, LEASE_TTL_MS);
      if (lease !== null) {
        try {
          // Renewed by a peer between our read and the lease? What the provider just issued is used as
          // it is, however short its life: renewing it again would only return the same.
          const latest = await this.#current();
          if (renewedSince(latest, seen, this.#now())) return asRefreshed(latest);
          return asRefreshed(await this.#refresh(latest));
        } finally {
          await lease.release().catch(() => undefined);
        }
      }
      if (this.#now() >= deadline) throw new Error('another idpool process is renewing this session and has not finished; try again');
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const record = await this.#current();
      if (renewedSince(record, seen, this.#now())) return asRefreshed(record);
    }
  }

  async #refresh(record: LoginRecord): Promise<LoginRecord> {
    const refreshToken = record.refreshToken;
    if (refreshToken === undefined) throw new LoginRequiredError(NO_REFRESH_TOKEN);
    const config = await discoverIssuer(new URL(record.issuer), record.clientId, record.clientSecret);
    let tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
    try {
      tokens = await oidc.refreshTokenGrant(config, refreshToken);
    } catch (error) {
      const failure = toProviderError(error, 'renewing the id token');
      if (error instanceof oidc.ResponseBodyError && (error.error === 'invalid_grant' || error.error === 'unauthorized_client' || error.error === 'invalid_client')) {
        throw new LoginRequiredError(`the provider no longer accepts the session's refresh token (${error.error}: revoked, expired or already used)`);
      }
      throw failure;
    }
    const claims = tokens.claims();
    if (tokens.id_token === undefined || claims === undefined) throw new LoginRequiredError('the provider renewed the session without an id token');
    if (claims.sub !== record.subject) throw new LoginRequiredError('the provider renewed the session for another user');
    const renewed: LoginRecord = {
      ...record,
      idToken: tokens.id_token,
      idTokenExpiresAt: claims.exp * 1000,
      // Rotation: the old refresh token is spent. A provider that does not rotate keeps the old one valid.
      ...(tokens.refresh_token === undefined ? {} : { refreshToken: tokens.refresh_token }),
    };
    await writeLoginRecord(this.#storage, renewed);
    return renewed;
  }
}
