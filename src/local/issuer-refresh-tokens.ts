import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Who a refresh token speaks for, and what it may ask for. */
export interface RefreshGrant {
  readonly clientId: string;
  readonly subject: string;
  readonly username: string;
  readonly scope: readonly string[];
  readonly authTime: number;
}

interface Family extends RefreshGrant {
  readonly expiresAt: number;
  current: string;
  /** Digests of tokens already exchanged, newest last: presenting one again revokes the family. */
  readonly rotated: string[];
}

export type RefreshOutcome =
  | { readonly kind: 'ok'; readonly grant: RefreshGrant; readonly refreshToken: string }
  | { readonly kind: 'invalid'; readonly reason: 'unknown' | 'expired' | 'reused' | 'wrongClient' };

const MAX_FAMILIES = 10_000;
// Rotated tokens remembered per family for reuse detection; an older one is merely unknown.
const MAX_ROTATED = 32;

const digestOf = (token: string): string => createHash('sha256').update(token, 'utf8').digest('base64url');
const newToken = (): string => randomBytes(32).toString('base64url');

/**
 * Rotating refresh tokens (OAuth 2.0 Security BCP §4.14.2): each token is good for one exchange,
 * which returns its successor; presenting a token that was already exchanged means it leaked (or a
 * client raced itself), so the whole family — every token descended from that sign-in — is revoked.
 * Only digests are kept; a family lives a fixed time from the sign-in, however often it rotates.
 */
export class RefreshTokenStore {
  readonly #families = new Map<string, Family>();
  readonly #byDigest = new Map<string, string>();
  readonly #now: () => number;
  readonly #ttlMs: number;

  constructor(ttlMs: number, now: () => number) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** A new family's first token, or undefined when the store is full of live families. */
  issue(grant: RefreshGrant): { token: string; familyId: string } | undefined {
    if (this.#families.size >= MAX_FAMILIES) this.#sweep();
    if (this.#families.size >= MAX_FAMILIES) return undefined;
    const token = newToken();
    const familyId = randomUUID();
    const family: Family = { ...grant, scope: [...grant.scope], expiresAt: this.#now() + this.#ttlMs, current: digestOf(token), rotated: [] };
    this.#families.set(familyId, family);
    this.#byDigest.set(family.current, familyId);
    return { token, familyId };
  }

  /** Exchanges a token for its successor; a reused, expired, unknown or other client's token is refused. */
  rotate(token: string, clientId: string): RefreshOutcome {
    const digest = digestOf(token);
    const familyId = this.#byDigest.get(digest);
    const family = familyId === undefined ? undefined : this.#families.get(familyId);
    if (familyId === undefined || family === undefined) return { kind: 'invalid', reason: 'unknown' };
    // A token of another client is not this client's to use, nor to revoke by replaying it.
    if (family.clientId !== clientId) return { kind: 'invalid', reason: 'wrongClient' };
    if (family.expiresAt <= this.#now()) {
      this.revokeFamily(familyId);
      return { kind: 'invalid', reason: 'expired' };
    }
    if (digest !== family.current) {
      this.revokeFamily(familyId);
      return { kind: 'invalid', reason: 'reused' };
    }
    const next = newToken();
    family.rotated.push(digest);
    if (family.rotated.length > MAX_ROTATED) this.#byDigest.delete(family.rotated.shift() as string);
    family.current = digestOf(next);
    this.#byDigest.set(family.current, familyId);
    return { kind: 'ok', grant: family, refreshToken: next };
  }

  /** Revokes the family of a token the client holds (RFC 7009); unknown tokens are ignored. */
  revoke(token: string, clientId: string): void {
    const familyId = this.#byDigest.get(digestOf(token));
    if (familyId !== undefined && this.#families.get(familyId)?.clientId === clientId) this.revokeFamily(familyId);
  }

  /** Revokes every family, or those of one subject; resolves with how many. */
  revokeAll(subject?: string): number {
    let count = 0;
    for (const [familyId, family] of this.#families) {
      if (subject === undefined || family.subject === subject) {
        this.revokeFamily(familyId);
        count += 1;
      }
    }
    return count;
  }

  revokeFamily(familyId: string): void {
    const family = this.#families.get(familyId);
    if (family === undefined) return;
    this.#families.delete(familyId);
    for (const digest of [family.current, ...family.rotated]) this.#byDigest.delete(digest);
  }

  #sweep(): void {
    const now = this.#now();
    for (const [familyId, family] of this.#families) if (family.expiresAt <= now) this.revokeFamily(familyId);
  }
}
