import type { KeyValueStorage } from '../index';

/** The user object an app passed to `federatedSignIn` (Amplify v5): any JSON-serialisable object. */
export type FederatedUser = Record<string, unknown>;

interface UserRecord {
  identityId: string;
  user: FederatedUser;
}

/**
 * The storage key of the v5 `user` object: `idpool.<namespace>.<identityPoolId>.user`,
 * beside the engine's session key, in the same namespace.
 *
 * @example
 * ```ts
 * federatedUserKey('default', 'us-east-1:00000000-0000-4000-8000-000000000000');
 * // 'idpool.default.us-east-1:00000000-0000-4000-8000-000000000000.user'
 * ```
 */
export function federatedUserKey(namespace: string, identityPoolId: string): string {
  return `idpool.${namespace}.${identityPoolId}.user`;
}

/**
 * Keeps the v5 `user` object in the engine's storage, tied to the identity it signed in as,
 * so a user is never handed out for another identity's session. Writes run in call order.
 */
export class FederatedUserStore {
  readonly #storage: KeyValueStorage;
  readonly #key: string;
  #queue: Promise<void> = Promise.resolve();

  constructor(storage: KeyValueStorage, key: string) {
    this.#storage = storage;
    this.#key = key;
  }

  save(identityId: string, user: FederatedUser): Promise<void> {
    const text = JSON.stringify({ identityId, user } satisfies UserRecord);
    return this.#enqueue(() => this.#storage.setItem(this.#key, text));
  }

  remove(): Promise<void> {
    return this.#enqueue(() => this.#storage.removeItem(this.#key));
  }

  /** The user saved for `identityId`, or undefined (none, another identity's, or unreadable). */
  async load(identityId: string): Promise<FederatedUser | undefined> {
    await this.#queue;
    const text = await this.#storage.getItem(this.#key);
    if (text === null) return undefined;
    try {
      const record = JSON.parse(text) as Partial<UserRecord>;
      if (record.identityId !== identityId || typeof record.user !== 'object' || record.user === null) return undefined;
      return record.user;
    } catch {
      return undefined;
    }
  }

  flushed(): Promise<void> {
    return this.#queue;
  }

  #enqueue(write: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(write);
    // Keep the chain going after a failed write; the caller still sees the failure.
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
