import { createHash, randomBytes, randomInt } from 'node:crypto';
import { ExpiringMap } from './issuer-expiring-map';
import type { RefreshGrant } from './issuer-refresh-tokens';

/** RFC 8628 §6.1: consonants only (no words, no 0/O or 1/I confusion), 8 of them: 20^8 ≈ 2.6·10^10 codes. */
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
const USER_CODE_LENGTH = 8;
const MAX_PENDING = 1_000;
// An expired device code is still recognised for one more lifetime, to answer `expired_token` rather
// than `invalid_grant`; the device map has room for that second generation.
const DEVICE_MAP_LIMIT = 2 * MAX_PENDING;
/** RFC 8628 §3.5: each `slow_down` adds 5 seconds to the interval. */
const SLOW_DOWN_STEP_MS = 5_000;

interface Pending {
  readonly clientId: string;
  readonly scope: readonly string[];
  readonly userCode: string;
  readonly expiresAt: number;
  intervalMs: number;
  lastPollAt?: number;
  status: 'pending' | 'approved' | 'denied';
  grant?: RefreshGrant;
}

export type DevicePoll =
  | { readonly kind: 'approved'; readonly grant: RefreshGrant }
  | { readonly kind: 'error'; readonly error: 'authorization_pending' | 'slow_down' | 'expired_token' | 'access_denied' | 'invalid_grant' };

/** Who approved a device. */
export type DeviceUser = Pick<RefreshGrant, 'subject' | 'username' | 'authTime'>;

const digestOf = (code: string): string => createHash('sha256').update(code, 'utf8').digest('base64url');

/** `bcdf-ghjk`, `BCDF GHJK` and `BCDFGHJK` are the same code. */
export function normalizeUserCode(text: string): string {
  return text.toUpperCase().replace(/[\s-]/g, '');
}

export const formatUserCode = (code: string): string => `${code.slice(0, 4)}-${code.slice(4)}`;

/** Device authorizations (RFC 8628) waiting for, or given, the user's approval on the `/device` page. */
export class DeviceCodeStore {
  readonly #byDevice: ExpiringMap<Pending>;
  readonly #byUser: ExpiringMap<string>;
  readonly #now: () => number;
  readonly #ttlMs: number;
  readonly #intervalMs: number;

  constructor(ttlMs: number, intervalMs: number, now: () => number) {
    this.#now = now;
    this.#ttlMs = ttlMs;
    this.#intervalMs = intervalMs;
    this.#byDevice = new ExpiringMap(DEVICE_MAP_LIMIT, now);
    this.#byUser = new ExpiringMap(MAX_PENDING, now);
  }

  /** A new device code and user code, or undefined when too many are pending. */
  start(clientId: string, scope: readonly string[]): { deviceCode: string; userCode: string; expiresInS: number; intervalS: number } | undefined {
    const deviceCode = randomBytes(32).toString('base64url');
    let userCode = '';
    for (let i = 0; i < USER_CODE_LENGTH; i += 1) userCode += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
    if (this.#byUser.get(userCode) !== undefined) return undefined;
    const expiresAt = this.#now() + this.#ttlMs;
    const pending: Pending = { clientId, scope: [...scope], userCode, expiresAt, intervalMs: this.#intervalMs, status: 'pending' };
    const digest = digestOf(deviceCode);
    // The user-code map bounds the codes waiting at once; the device map also keeps expired ones a while.
    if (!this.#byUser.set(userCode, digest, expiresAt)) return undefined;
    if (!this.#byDevice.set(digest, pending, expiresAt + this.#ttlMs)) {
      this.#byUser.delete(userCode);
      return undefined;
    }
    return { deviceCode, userCode: formatUserCode(userCode), expiresInS: Math.round(this.#ttlMs / 1000), intervalS: Math.round(this.#intervalMs / 1000) };
  }

  /** Whether a user code (as typed) names a live authorization still waiting for the user. */
  isPending(userCode: string): boolean {
    return this.#pendingByUserCode(userCode) !== undefined;
  }

  /** Records the user's decision; false when the code is unknown, expired or already decided. */
  decide(userCode: string, decision: { approve: true; user: DeviceUser } | { approve: false }): boolean {
    const pending = this.#pendingByUserCode(userCode);
    if (pending === undefined) return false;
    if (decision.approve) {
      pending.status = 'approved';
      pending.grant = { ...decision.user, clientId: pending.clientId, scope: pending.scope };
    } else {
      pending.status = 'denied';
    }
    // A decided code cannot be decided again, nor shown to another user.
    this.#byUser.delete(pending.userCode);
    return true;
  }

  /** The client's poll (RFC 8628 §3.4, §3.5); an approved or denied code answers once, then is gone. */
  poll(deviceCode: string, clientId: string): DevicePoll {
    const digest = digestOf(deviceCode);
    const pending = this.#byDevice.get(digest);
    if (pending === undefined || pending.clientId !== clientId) return { kind: 'error', error: 'invalid_grant' };
    const now = this.#now();
    if (pending.expiresAt <= now) {
      this.#byDevice.delete(digest);
      this.#byUser.delete(pending.userCode);
      return { kind: 'error', error: 'expired_token' };
    }
    if (pending.status === 'approved' && pending.grant !== undefined) {
      this.#byDevice.delete(digest);
      return { kind: 'approved', grant: pending.grant };
    }
    if (pending.status === 'denied') {
      this.#byDevice.delete(digest);
      return { kind: 'error', error: 'access_denied' };
    }
    const last = pending.lastPollAt;
    pending.lastPollAt = now;
    // A little early is timer jitter; well inside the interval is a client not honouring it.
    if (last !== undefined && now - last < pending.intervalMs * 0.75) {
      pending.intervalMs += SLOW_DOWN_STEP_MS;
      return { kind: 'error', error: 'slow_down' };
    }
    return { kind: 'error', error: 'authorization_pending' };
  }

  #pendingByUserCode(userCode: string): Pending | undefined {
    const normalized = normalizeUserCode(userCode);
    if (normalized.length !== USER_CODE_LENGTH) return undefined;
    const digest = this.#byUser.get(normalized);
    const pending = digest === undefined ? undefined : this.#byDevice.get(digest);
    if (pending === undefined || pending.status !== 'pending' || pending.expiresAt <= this.#now()) return undefined;
    return pending;
  }
}
