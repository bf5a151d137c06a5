import type { HeldCredentials } from '../model/credentials';
import type { StoredSession } from '../model/session';
import type { StorageError, StorageOperation } from '../errors/error-classes';
import type { KeyValueStorage, StorageLease } from '../storage/key-value-storage';
import { clearedSessionsKey, decodeClearedSessions, encodeClearedSessions, MAX_CLEARED_SESSIONS } from './cleared-sessions';
import { legacySessionId } from './legacy-session-id';
import { decodeSessionRecord, encodeSessionRecord, type SessionRecord } from './session-record';
import { toStorageError } from './to-storage-error';

export interface SessionStoreSettings {
  storage: KeyValueStorage;
  identityPoolId: string;
  namespace: string;
  /** This engine's id, written into every record. */
  writer: string;
  persistCredentials: boolean;
  now: () => number;
  /** Hears every failed storage call, as a `StorageError` naming adapter and operation. */
  onFailure: (error: StorageError) => void;
  /** A write found its session cleared by another context, and did not write it. */
  onSessionCleared: (sessionId: string) => void;
}

/**
 * How the last storage operation ended. `ok: false`: the storage failed (`error`), and
 * `staleLeft` says whether an older record may still be there (the clean-up failed too).
 */
export type StoreOutcome = { ok: true } | { ok: false; error: StorageError; staleLeft: boolean };

/** How a removal is meant: a clear names the session it ends; the guest identity id outlives it. */
export interface RemoveOptions {
  clearedSessionId?: string | undefined;
  guestIdentityId?: string | undefined;
}

/** `idpool.<namespace>.<identityPoolId>.session`: the one key a session lives under. */
export function sessionKey(namespace: string, identityPoolId: string): string {
  return `idpool.${namespace}.${identityPoolId}.session`;
}

/** The key of the lease that lets one of several contexts refresh at a time. */
export function refreshLeaseKey(namespace: string, identityPoolId: string): string {
  return `idpool.${namespace}.${identityPoolId}.refresh-lease`;
}

const OK: StoreOutcome = { ok: true };

/** A stored record as read: its text and what it says. */
interface StoredRead {
  text: string;
  record: SessionRecord;
  session: StoredSession;
}

let lastKeys: { namespace: string; identityPoolId: string; key: string; clearedKey: string } | undefined;

/**
 * Reads and writes the persisted session. Writes and removals run one after another in
 * call order, so a slow write never lands after a newer one (or after a clear).
 *
 * A clear leaves the cleared session's id under a key of its own (see `cleared-sessions.ts`)
 * besides removing the record; the ids seen cleared are remembered, and a session among them
 * is never written again. A failed write never leaves another, older session behind: the record
 * is removed (or overwritten with an empty one when removal fails) unless it is the same
 * session's or newer than the write, and every failure is reported.
 */
export class SessionStore {
  readonly key: string;
  readonly clearedKey: string;
  #queue: Promise<StoreOutcome> = Promise.resolve(OK);
  #lastWrittenAt = 0;
  #lastKnownText: string | null | undefined;
  /** The content (no writer, no stamp) of the last record this engine read from storage. */
  #lastReadContent: string | undefined;
  #lastSeenAt = 0;
  /** The federation this engine last wrote, followed or restored: the one a new federation replaces. */
  #heldSessionId: string | undefined;
  /** A refresh lease held until the record the refresh leads to has been written. */
  #heldLease: StorageLease | undefined;
  /** Settles once the last lease handed over has been released. */
  #leaseReleased: Promise<void> | undefined;
  /** Credentials taken from another engine's refresh flight: that engine writes them. */
  #adopted: HeldCredentials | undefined;
  /** Session ids seen cleared, oldest first (a Set keeps insertion order); made on the first one. */
  #cleared: Set<string> | undefined;
  readonly #settings: SessionStoreSettings;

  constructor(settings: SessionStoreSettings) {
    this.#settings = settings;
    // Engines of one app share their keys (one per server request would each build the same strings).
    let keys = lastKeys;
    if (keys?.namespace !== settings.namespace || keys.identityPoolId !== settings.identityPoolId) {
      keys = lastKeys = {
        namespace: settings.namespace,
        identityPoolId: settings.identityPoolId,
        key: sessionKey(settings.namespace, settings.identityPoolId),
        clearedKey: clearedSessionsKey(settings.namespace, settings.identityPoolId),
      };
    }
    this.key = keys.key;
    this.clearedKey = keys.clearedKey;
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
  noteSharedChange(text: string | null, updatedAt?: number, sessionId?: string): void {
    this.#lastKnownText = text;
    if (sessionId !== undefined) this.#heldSessionId = sessionId;
    if (updatedAt !== undefined) this.#lastSeenAt = Math.max(this.#lastSeenAt, updatedAt);
  }

  /** Whether `sessionId` was cleared in some context, as far as this engine has seen. */
  isCleared(sessionId: string | undefined): boolean {
    return sessionId !== undefined && this.#cleared !== undefined && this.#cleared.has(sessionId);
  }

  /** Remembers session ids cleared elsewhere (bounded: the oldest are forgotten first). */
  noteCleared(ids: Iterable<string>): void {
    for (const id of ids) {
      const cleared = (this.#cleared ??= new Set());
      cleared.delete(id);
      cleared.add(id);
    }
    if (!this.#cleared) return;
    for (const id of this.#cleared) {
      if (this.#cleared.size <= 4 * MAX_CLEARED_SESSIONS) break;
      this.#cleared.delete(id);
    }
  }

  /** Reads the stored cleared ids into memory; a failed read is reported and changes nothing. */
  async readCleared(): Promise<void> {
    const text = await this.#call('getItem', () => this.#settings.storage.getItem(this.clearedKey)).catch(() => null);
    this.noteCleared(decodeClearedSessions(text));
  }

  /**
   * The refresh lease `key`: `null` while another context holds it, `undefined` when the storage
   * could not say (the failure is reported; the caller goes on without the lease).
   */
  async tryAcquireLease(key: string, ttlMs: number): Promise<StorageLease | null | undefined> {
    const storage = this.#settings.storage;
    if (!storage.tryAcquireLease) return undefined;
    return this.#call('tryAcquireLease', () => storage.tryAcquireLease!(key, ttlMs)).catch(() => undefined);
  }

  /** Reads the session record's text; a failure is reported and rethrown. */
  async readText(): Promise<string | null> {
    return this.#call('getItem', () => this.#settings.storage.getItem(this.key));
  }

  /**
   * Parses a stored record (throws `InvalidSessionRecord` for anything unusable). A federation
   * written before session ids existed gets one derived from its writer and stamp, the same
   * in every context that reads it and short enough to be recorded as cleared.
   */
  decode(text: string): { record: SessionRecord; session: StoredSession } {
    const decoded = this.#parse(text);
    this.#lastReadContent = this.#content(decoded.session);
    return decoded;
  }

  /** `decode` without noting what was read. */
  #parse(text: string): { record: SessionRecord; session: StoredSession } {
    const decoded = decodeSessionRecord(text, this.#settings.now());
    if (decoded.session.sessionId === undefined && decoded.session.identityId !== undefined) {
      decoded.session.sessionId = legacySessionId(decoded.record.writer, decoded.record.updatedAt);
    }
    return decoded;
  }

  write(session: StoredSession): Promise<StoreOutcome> {
    // A session read from storage (another context's refresh, adopted) is not written back: the
    // record already says it, and a fleet of followers each writing it again would be N² work.
    // Nor are credentials taken from another engine's refresh in this process: that one writes them.
    if (
      (session.credentials !== undefined && session.credentials === this.#adopted) ||
      (this.#lastReadContent !== undefined && this.#content(session) === this.#lastReadContent)
    ) {
      return this.#enqueue(async () => OK);
    }
    const text = this.#encode(session);
    const stamp = this.#lastWrittenAt;
    const replacing = this.#heldSessionId;
    if (session.sessionId !== undefined) this.#heldSessionId = session.sessionId;
    this.#lastKnownText = text;
    return this.#enqueue(async () => {
      if (session.sessionId !== undefined) {
        // Checked against storage too: another context may have cleared it unseen (a lost notice).
        await this.readCleared();
        if (this.isCleared(session.sessionId)) {
          this.#settings.onSessionCleared(session.sessionId);
          return OK;
        }
      } else if (await this.#storedSessionLives()) {
        // A signed-out engine's guest record never replaces a federation another context holds
        // and this one has not followed (credentials not persisted, a notice late or lost): read
        // as a clear, it would sign that user out everywhere.
        return OK;
      }
      try {
        await this.#call('setItem', () => this.#settings.storage.setItem(this.key, text));
        return OK;
      } catch (error) {
        // Adapters write all or nothing: the record before this one is still there. When it is
        // this same session's (a refresh that failed to save), it stays: it restores the same
        // user, and removing it would read as a clear to every context that follows it. So does
        // a newer sign-in another context wrote meanwhile (not the session this write replaced).
        if (await this.#storedRecordStays(session.sessionId, stamp, replacing)) return { ok: false, error: error as StorageError, staleLeft: false };
        // An older session's: removed, so no restore brings back a session older than the one in memory.
        const staleLeft = !(await this.#dropRecord(undefined));
        return { ok: false, error: error as StorageError, staleLeft };
      }
    });
  }

  /** Removes the session (an expiry), or clears it: `clearedSessionId` is recorded first. */
  remove(options: RemoveOptions = {}): Promise<StoreOutcome> {
    const { clearedSessionId, guestIdentityId } = options;
    this.#lastWrittenAt = this.#nextStamp();
    const guestText = guestIdentityId !== undefined ? this.#encode({ guestIdentityId }) : undefined;
    this.#lastKnownText = guestText ?? null;
    return this.#enqueue(async () => {
      // Noted in turn: a write queued before the clear still lands before it, as asked.
      if (clearedSessionId !== undefined) {
        this.noteCleared([clearedSessionId]);
        await this.#recordCleared();
      }
      try {
        if (guestText !== undefined) {
          await this.#call('setItem', () => this.#settings.storage.setItem(this.key, guestText));
        } else {
          await this.#call('removeItem', () => this.#settings.storage.removeItem(this.key));
        }
        return OK;
      } catch (error) {
        const staleLeft = !(await this.#dropRecord(guestText === undefined ? 'overwrite' : 'remove'));
        return { ok: false, error: error as StorageError, staleLeft };
      }
    });
  }

  /**
   * Another context wrote back a session that was cleared (it missed the clear): the clear is
   * made again, removing that record if it is still the one stored.
   */
  reassertClear(text: string, sessionId: string): void {
    this.noteCleared([sessionId]);
    void this.#enqueue(async () => {
      await this.#recordCleared();
      const current = await this.#call('getItem', () => this.#settings.storage.getItem(this.key)).catch(() => undefined);
      if (current !== text) return OK;
      await this.#dropRecord(undefined);
      return OK;
    });
  }

  /** Another context cleared `sessionId` (found out other than by a notice): remembered, and the engine told. */
  clearedElsewhere(sessionId: string): void {
    this.noteCleared([sessionId]);
    this.#settings.onSessionCleared(sessionId);
  }

  /** Credentials another engine of this process refreshed over this storage, and writes itself. */
  adoptShared(credentials: HeldCredentials): void {
    this.#adopted = credentials;
  }

  /**
   * Keeps a refresh lease until the next storage operation (the write of the refreshed record,
   * or whatever the machine did instead) has settled: released sooner, a peer could take the
   * lease, read the older record and ask Cognito again. The lease's TTL bounds it regardless.
   */
  releaseAfterNextOperation(lease: StorageLease): void {
    void this.#heldLease?.release().catch(() => undefined);
    this.#heldLease = lease;
  }

  /** Lets go of a held lease at once (the engine stops); resolves once every lease handed over is released. */
  async releaseHeldLease(): Promise<void> {
    const lease = this.#heldLease;
    this.#heldLease = undefined;
    await Promise.all([lease?.release().catch(() => undefined), this.#leaseReleased]);
  }

  /** How the latest storage operation asked for so far ended (waits for it). */
  lastOutcome(): Promise<StoreOutcome> {
    return this.#queue;
  }

  /** Resolves when every write asked for so far has landed (or failed). */
  async flushed(): Promise<void> {
    await this.#queue;
  }

  /** What a record of `session` says, without who wrote it or when. */
  #content(session: StoredSession): string {
    return encodeSessionRecord(session, { writer: '', updatedAt: 0, persistCredentials: this.#settings.persistCredentials });
  }

  #encode(session: StoredSession): string {
    // Strictly increasing, and after every record seen from elsewhere.
    const updatedAt = this.#nextStamp();
    this.#lastWrittenAt = updatedAt;
    return encodeSessionRecord(session, {
      writer: this.#settings.writer,
      updatedAt,
      persistCredentials: this.#settings.persistCredentials,
    });
  }

  #nextStamp(): number {
    return Math.max(this.#settings.now(), this.#lastWrittenAt + 1, this.#lastSeenAt + 1);
  }

  /**
   * After a failed write stamped `stamp`, whether the record in storage may stay: it is this same
   * session's (the same user, older credentials), or another context wrote it after that stamp
   * (newer than anything this engine holds) and it is not the session the write was `replacing`
   * (another context's refresh of the previous user); never a cleared session. A failed read says no.
   */
  async #storedRecordStays(sessionId: string | undefined, stamp: number, replacing: string | undefined): Promise<boolean> {
    const stored = await this.#readStored().catch(() => undefined);
    if (stored === undefined) return false;
    const { text, record, session } = stored;
    const storedId = session.sessionId;
    if (storedId !== undefined && this.isCleared(storedId)) return false;
    const newerSignIn = record.writer !== this.#settings.writer && record.updatedAt > stamp && storedId !== replacing;
    const stays = (sessionId !== undefined && storedId === sessionId) || newerSignIn;
    if (stays) this.#lastKnownText = text;
    return stays;
  }

  /**
   * Whether storage holds a federation that restores (an identity and a login) and was not
   * cleared; noted as what the key holds when it does. A failed read says yes: the guest
   * identity id a caller would write is only a cache, the other context's sign-in is not.
   */
  async #storedSessionLives(): Promise<boolean> {
    let stored: StoredRead | undefined;
    try {
      stored = await this.#readStored();
    } catch {
      return true;
    }
    if (stored === undefined) return false;
    const { text, session } = stored;
    if (session.identityId === undefined || session.login === undefined) return false;
    if (session.sessionId !== undefined) {
      await this.readCleared();
      if (this.isCleared(session.sessionId)) return false;
    }
    this.#lastKnownText = text;
    return true;
  }

  /**
   * The stored record, read and parsed; `undefined` when there is none or it is unusable (nothing
   * restores from it). A failed read is reported and rethrown.
   */
  async #readStored(): Promise<StoredRead | undefined> {
    const text = await this.readText();
    if (text === null) return undefined;
    try {
      return { text, ...this.#parse(text) };
    } catch {
      return undefined;
    }
  }

  /** Writes the cleared ids (stored ∪ remembered) under their key; a failure is reported only. */
  async #recordCleared(): Promise<void> {
    await this.readCleared();
    const text = encodeClearedSessions(this.#cleared ?? []);
    await this.#call('setItem', () => this.#settings.storage.setItem(this.clearedKey, text)).catch(() => undefined);
  }

  /**
   * Gets rid of the session record: removal, then an empty record over it (only the latter
   * when removal already failed). Whether either worked. What is written is noted first, so
   * its own notice is an echo and not another context's clear.
   */
  async #dropRecord(first: 'remove' | 'overwrite' | undefined): Promise<boolean> {
    const remove = () => {
      this.#lastKnownText = null;
      return this.#call('removeItem', () => this.#settings.storage.removeItem(this.key));
    };
    const overwrite = () => {
      const text = this.#encode({});
      this.#lastKnownText = text;
      return this.#call('setItem', () => this.#settings.storage.setItem(this.key, text));
    };
    const attempts = first === 'overwrite' ? [overwrite] : [remove, overwrite];
    for (const attempt of attempts) {
      try {
        await attempt();
        return true;
      } catch {
        // Reported by #call; try the next way.
      }
    }
    return false;
  }

  async #call<T>(operation: StorageOperation, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const failure = toStorageError(error, operation);
      this.#settings.onFailure(failure);
      throw failure;
    }
  }

  #enqueue(operation: () => Promise<StoreOutcome>): Promise<StoreOutcome> {
    const next = this.#queue.then(operation).catch((error: unknown) => ({ ok: false, error: toStorageError(error, 'setItem'), staleLeft: true }) as const);
    this.#queue = next;
    const lease = this.#heldLease;
    if (lease) {
      this.#heldLease = undefined;
      this.#leaseReleased = next.then(() => lease.release()).catch(() => undefined);
    }
    return next;
  }
}
