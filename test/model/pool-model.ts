import type { Login } from '../../src/model/login';

/** The logins key the model's OIDC issuer stands for; opaque tokens use Facebook's. */
export const OPAQUE_LOGINS_KEY = 'graph.facebook.com';

export type PoolError = 'NotAuthorizedException' | 'ResourceNotFoundException' | 'InvalidParameterException';
export type PoolAnswer<T> = { ok: true; value: T } | { ok: false; error: PoolError };

/**
 * What the local identity pool answers, as a value the model can copy per step: identities
 * and their linked logins, with the same rules as `src/local` (a provider+subject belongs to
 * one identity, an identity holds one subject per provider, guests have no logins, OIDC
 * tokens are refused from their `exp` second on, opaque tokens name their subject before ':').
 * Identity ids are symbols (`I1`, `I2`, …) that the driver binds to the real ids.
 */
export class PoolModel {
  #identities = new Map<string, Map<string, string>>();
  #links = new Map<string, string>();
  #created = 0;

  clone(): PoolModel {
    const copy = new PoolModel();
    for (const [id, logins] of this.#identities) copy.#identities.set(id, new Map(logins));
    copy.#links = new Map(this.#links);
    copy.#created = this.#created;
    return copy;
  }

  has(identityId: string | undefined): boolean {
    return identityId !== undefined && this.#identities.has(identityId);
  }

  /** The provider and subject the pool reads from a login, or a refusal for an expired token. */
  verify(login: Login, now: number): PoolAnswer<{ provider: string; subject: string }> {
    if (login.loginsKey === OPAQUE_LOGINS_KEY) {
      const token = login.token.reveal();
      const colon = token.indexOf(':');
      return { ok: true, value: { provider: login.loginsKey, subject: colon > 0 ? token.slice(0, colon) : token } };
    }
    const exp = login.expiresAt === undefined ? Number.POSITIVE_INFINITY : login.expiresAt / 1000;
    if (Math.floor(now / 1000) >= exp || login.subject === undefined) return { ok: false, error: 'NotAuthorizedException' };
    return { ok: true, value: { provider: login.loginsKey, subject: login.subject } };
  }

  getId(login: Login | undefined, now: number): PoolAnswer<string> {
    if (!login) return { ok: true, value: this.#create() };
    const verified = this.verify(login, now);
    if (!verified.ok) return verified;
    const linked = this.#links.get(linkKey(verified.value));
    if (linked !== undefined) return { ok: true, value: linked };
    const id = this.#create();
    this.#link(id, verified.value);
    return { ok: true, value: id };
  }

  getCredentials(identityId: string, login: Login | undefined, now: number): PoolAnswer<string> {
    const answer = this.#authorize(identityId, login, now);
    if (answer.ok && answer.value) this.#link(identityId, answer.value);
    return answer.ok ? { ok: true, value: identityId } : answer;
  }

  /** Whether GetCredentialsForIdentity would succeed, without linking anything. */
  wouldIssue(identityId: string | undefined, login: Login | undefined, now: number): boolean {
    return identityId !== undefined && this.#authorize(identityId, login, now).ok;
  }

  #authorize(identityId: string, login: Login | undefined, now: number): PoolAnswer<{ provider: string; subject: string } | undefined> {
    // An empty IdentityId fails the request's validation (ValidationException, the SDK's InvalidParameter).
    if (identityId === '') return { ok: false, error: 'InvalidParameterException' };
    const logins = this.#identities.get(identityId);
    if (!logins) return { ok: false, error: 'ResourceNotFoundException' };
    if (!login) return logins.size > 0 ? { ok: false, error: 'NotAuthorizedException' } : { ok: true, value: undefined };
    const verified = this.verify(login, now);
    if (!verified.ok) return verified;
    const linked = this.#links.get(linkKey(verified.value));
    const fits =
      linked !== undefined ? linked === identityId : (logins.get(verified.value.provider) ?? verified.value.subject) === verified.value.subject;
    return fits ? { ok: true, value: verified.value } : { ok: false, error: 'NotAuthorizedException' };
  }

  forget(identityId: string): void {
    const logins = this.#identities.get(identityId);
    if (!logins) return;
    for (const [provider, subject] of logins) this.#links.delete(linkKey({ provider, subject }));
    this.#identities.delete(identityId);
  }

  #create(): string {
    const id = `I${++this.#created}`;
    this.#identities.set(id, new Map());
    return id;
  }

  #link(identityId: string, login: { provider: string; subject: string }): void {
    this.#identities.get(identityId)?.set(login.provider, login.subject);
    this.#links.set(linkKey(login), identityId);
  }
}

function linkKey(login: { provider: string; subject: string }): string {
  return `${login.provider}\u0000${login.subject}`;
}
