import type { SnapshotFrom } from 'xstate';
import type { AuthMachine } from '../../machines/auth.machine';
import { heldSession, stillServable } from '../../machines/cached-session';
import type { SessionView } from '../model/session';
import { toAuthSession, toAwsCredentials, type AuthSession, type AwsCredentials } from './auth-session';
import { ownValue } from './own-value';

/**
 * The answer to cached `fetchAuthSession()` calls. What a snapshot holds is worked out once per
 * snapshot; each call then only compares the snapshot, asks the chart's rule (`stillServable`)
 * whether the clock still allows it, and reveals the session into new objects of its own (the
 * AWS SDK writes onto the credentials it is given, and no caller may change another's).
 */
/** A held session revealed once, every field its own (set to `undefined` when absent), so no read reaches a prototype. */
interface Revealed {
  identityId: string | undefined;
  federatedProvider: string | undefined;
  credentials: AwsCredentials | undefined;
  /** User-pool tokens (a JWT's payload is an object of its own) are revealed anew for each call. */
  hasTokens: boolean;
}

export class ServedSession {
  #snapshot: SnapshotFrom<AuthMachine> | undefined;
  #held: SessionView | undefined;
  /** Never handed out itself, only copies of it. */
  #revealed: Revealed | undefined;

  read(snapshot: SnapshotFrom<AuthMachine>, now: number): AuthSession | undefined {
    if (snapshot !== this.#snapshot) {
      this.#snapshot = snapshot;
      this.#held = heldSession(snapshot);
      this.#revealed = undefined;
    }
    const held = this.#held;
    if (!held || !stillServable(held, now)) return undefined;
    const revealed = (this.#revealed ??= reveal(held));
    return revealed.hasTokens ? toAuthSession(held) : copyOf(revealed);
  }

  /** Lets go of the snapshot read last (a clear, a stop), so nothing of it is kept for the next call. */
  forget(): void {
    this.#snapshot = undefined;
    this.#held = undefined;
    this.#revealed = undefined;
  }
}

/** Reads the view's own fields (as `toAuthSession` does) and reveals its credentials once. */
function reveal(held: SessionView): Revealed {
  const credentials = ownValue(held, 'credentials');
  return {
    identityId: ownValue(held, 'identityId'),
    federatedProvider: ownValue(held, 'federatedProvider'),
    credentials: credentials && toAwsCredentials(credentials, held.clockOffsetMs),
    hasTokens: ownValue(held, 'userPoolTokens') !== undefined,
  };
}

/** A session of new objects: the same strings and time. */
function copyOf(revealed: Revealed): AuthSession {
  const session: AuthSession = {};
  if (revealed.identityId !== undefined) session.identityId = revealed.identityId;
  const held = revealed.credentials;
  if (held) {
    const { accessKeyId, secretAccessKey, sessionToken, expiration } = held;
    session.credentials = { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(expiration.getTime()) };
  }
  if (revealed.federatedProvider !== undefined) session.federatedProvider = revealed.federatedProvider;
  return session;
}
