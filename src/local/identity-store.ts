import { randomUUID } from 'node:crypto';
import { CognitoError } from './cognito-errors';

/**
 * Most identities one pool holds. Guests get an identity per GetId and any web page may call the
 * pool, so past this bound GetId answers LimitExceededException (an error Cognito's GetId has)
 * rather than let a flood exhaust memory. Forgetting identities makes room again.
 */
export const MAX_IDENTITIES = 100_000;

/** One identity of the pool and the logins (provider → subject) linked to it. */
export interface StoredIdentity {
  readonly id: string;
  readonly logins: Map<string, string>;
  readonly createdAt: number;
}

/** A verified login: which provider vouched for which subject. */
export interface VerifiedLogin {
  readonly provider: string;
  readonly subject: string;
}

const linkKey = (provider: string, subject: string): string => `${provider}\u0000${subject}`;

/**
 * Identities of one pool. An identity with no linked login is unauthenticated;
 * a provider+subject pair is linked to at most one identity, and an identity
 * holds at most one subject per provider (as in Cognito).
 */
export class IdentityStore {
  private readonly identities = new Map<string, StoredIdentity>();
  private readonly links = new Map<string, string>();

  constructor(private readonly region: string) {}

  get size(): number {
    return this.identities.size;
  }

  create(now: number): StoredIdentity {
    if (this.identities.size >= MAX_IDENTITIES) {
      throw new CognitoError('LimitExceededException', 'The number of identities in this identity pool has reached its limit.');
    }
    const identity: StoredIdentity = { id: `${this.region}:${randomUUID()}`, logins: new Map(), createdAt: now };
    this.identities.set(identity.id, identity);
    return identity;
  }

  get(id: string): StoredIdentity | undefined {
    return this.identities.get(id);
  }

  /** The identity a provider+subject is linked to, if any. */
  findLinked(login: VerifiedLogin): StoredIdentity | undefined {
    const id = this.links.get(linkKey(login.provider, login.subject));
    return id === undefined ? undefined : this.identities.get(id);
  }

  /** Whether `login` may be linked to `identity`: unlinked, or already linked there, and no other subject of that provider. */
  canLink(identity: StoredIdentity, login: VerifiedLogin): boolean {
    const linked = this.findLinked(login);
    if (linked !== undefined) return linked.id === identity.id;
    const existing = identity.logins.get(login.provider);
    return existing === undefined || existing === login.subject;
  }

  link(identity: StoredIdentity, login: VerifiedLogin): void {
    identity.logins.set(login.provider, login.subject);
    this.links.set(linkKey(login.provider, login.subject), identity.id);
  }

  /** Removes an identity and its links, as if it was deleted on the server. */
  forget(id: string): boolean {
    const identity = this.identities.get(id);
    if (identity === undefined) return false;
    for (const [provider, subject] of identity.logins) this.links.delete(linkKey(provider, subject));
    this.identities.delete(id);
    return true;
  }
}
