import type { StoredSession } from '../../machines/auth.types';
import type { KeyValueStorage } from '../storage/key-value-storage';
import { decodeSessionRecord, encodeSessionRecord, type SessionRecord } from './session-record';

export interface SessionStoreSettings {
  storage: KeyValueStorage;
  identityPoolId: string;
  namespace: string;
  /** This engine's id, written into every record. */
  writer: string;
  persistCredentials: boolean;
  now: () => number;
}

/** `idpool.<namespace>.<identityPoolId>.session`: the one key a session lives under. */
export function sessionKey(namespace: string, identityPoolId: string): string {
  return `idpool.${namespace}.${identityPoolId}.session`;
}

/** The key of the lease that lets one of several contexts refresh at a time. */
export function refreshLeaseKey(namespace: string, identityPoolId: string): string {
  return `idpool.${namespace}.${identityPoolId}.refresh-lease`;
}

/**
 * Reads and writes the persisted session. Writes and removals run one after another in
 * call order, so a slow write never lands after a newer one (or after a clear).
 */
export class SessionStore {
  readonly key: string;
  #queue: Promise<void> = Promise.resolve();
  #lastWrittenAt = 0;
  #lastKnownText: string | null | undefined;
  #lastSeenAt = 0;
  readonly #settings: SessionStoreSettings;
  readonly #onWriteError: (error: unknown) => void;

  constructor(settings: SessionStoreSettings, onWriteError: (error: unknown) => void) {
    this.#settings = settings;
    this.#onWriteError = onWriteError;
    this.key = sessionKey(settings.namespace, settings.identityPoolId);
  }

  /** Local time of this engine's last write; older shared records are stale. */
  get lastWrittenAt(): number {
    return this.#lastWrittenAt;
  }

  /**
   * What this engine last knew the key to hold (`null` when removed): its own last write, or
   * the last change it followed from elsewhere. A notice of that same value is an echo.
   */
  get lastKnownText(): string | null | undefined {
    return this.#lastKnownText;
  }

  /**
   * Records a change another context made, so only later changes count as new, and so this
   * engine's next write is stamped after it (a Lamport clock: a write made after seeing
   * another is newer everywhere, even within one millisecond).
   */
  noteSharedChange(text: string | null, updatedAt?: number): void {
    this.#lastKnownText = text;
    if (updatedAt !== undefined) this.#lastSeenAt = Math.max(this.#lastSeenAt, updatedAt);
  }

  async readText(): Promise<string | null> {
    return this.#settings.storage.getItem(this.key);
  }

  /** Parses a stored record (throws `InvalidSessionRecord` for anything unusable). */
  decode(text: string): { record: SessionRecord; session: StoredSession } {
    return decodeSessionRecord(text);
  }

  write(session: StoredSession): Promise<void> {
    // Strictly increasing, and after every record seen from elsewhere.
    const updatedAt = Math.max(this.#settings.now(), this.#lastWrittenAt + 1, this.#lastSeenAt + 1);
    this.#lastWrittenAt = updatedAt;
    const text = encodeSessionRecord(session, {
      writer: this.#settings.writer,
      updatedAt,
      persistCredentials: this.#settings.persistCredentials,
    });
    this.#lastKnownText = text;
    return this.#enqueue(() => this.#settings.storage.setItem(this.key, text));
  }

  remove(): Promise<void> {
    this.#lastWrittenAt = Math.max(this.#settings.now(), this.#lastWrittenAt + 1, this.#lastSeenAt + 1);
    this.#lastKnownText = null;
    return this.#enqueue(() => this.#settings.storage.removeItem(this.key));
  }

  /** Resolves when every write asked for so far has landed. */
  flushed(): Promise<void> {
    return this.#queue;
  }

  #enqueue(operation: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(operation).catch(this.#onWriteError);
    return this.#queue;
  }
}
