import { isIdentityIdShaped } from '../login/identity-ids';
import type { HeldCredentials } from '../model/credentials';
import type { Login } from '../model/login';
import { Secret } from '../model/secret';
import { MAX_STORED_LIFETIME_MS } from '../model/lifetimes';
import { MAX_CLOCK_OFFSET_MS } from '../model/server-time';
import type { StoredSession } from '../model/session';
import { MAX_SESSION_ID_LENGTH } from './cleared-sessions';

/** The version of the persisted record; any other version is dropped, not guessed at. */
export const SESSION_RECORD_VERSION = 1;

/** The persisted JSON, as it stands in storage. */
export interface SessionRecord {
  version: typeof SESSION_RECORD_VERSION;
  /** The engine instance that wrote it, so an engine ignores its own writes when they echo back. */
  writer: string;
  /** Local time of the write, epoch ms. */
  updatedAt: number;
  /** The federation this record belongs to (kept across refreshes), so a clear can name it. */
  sessionId?: string;
  identityId?: string;
  guestIdentityId?: string;
  login?: { loginsKey: string; token: string; subject?: string; expiresAt?: number; source: 'app' | 'userPool' };
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: number; issuedAt: number };
  clockOffsetMs?: number;
}

export class InvalidSessionRecord extends Error {
  override readonly name = 'InvalidSessionRecord';
}

const DAY_MS = 86_400_000;

// A record's clock offset is bounded by MAX_CLOCK_OFFSET_MS (src/model/server-time.ts): the AWS
// SDK corrects its clock once it is 5 minutes off and Cognito refuses requests signed 15 minutes
// off; a day leaves room for any real device while a hostile -1e13 can no longer turn expired
// credentials valid for centuries.


/** `updatedAt` is a local epoch time; without a clock to compare with, nothing after 2200 is sane. */
const LATEST_UPDATED_AT = Date.UTC(2200, 0, 1);

/** Longest accepted strings, by what each is: Cognito's and STS's own limits, with room to spare. */
const MAX_LENGTH = {
  writer: 256,
  loginsKey: 2048,
  /** Cognito's `Logins` values may be up to 50,000 characters. */
  token: 50_000,
  subject: 1024,
  accessKeyId: 128,
  secretAccessKey: 256,
  sessionToken: 20_000,
} as const;

/**
 * The longest record text decoded, in UTF-16 code units: refused before JSON.parse spends time
 * and memory on a hostile store's megabytes. The string bounds above add up to about 74,100
 * characters; JSON escapes at most 6 characters for one (`\u0001`), so no record within the
 * field bounds, plus its numbers and names, comes near 512 Ki.
 */
export const MAX_RECORD_LENGTH = 512 * 1024;

const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** Serialises a session; credentials only when `persistCredentials` is on. */
export function encodeSessionRecord(
  session: StoredSession,
  meta: { writer: string; updatedAt: number; persistCredentials: boolean },
): string {
  const record: SessionRecord = { version: SESSION_RECORD_VERSION, writer: meta.writer, updatedAt: meta.updatedAt };
  if (session.sessionId !== undefined) record.sessionId = session.sessionId;
  if (session.identityId !== undefined) record.identityId = session.identityId;
  if (session.guestIdentityId !== undefined) record.guestIdentityId = session.guestIdentityId;
  if (session.login) {
    const { loginsKey, subject, expiresAt, source } = session.login;
    record.login = { loginsKey, token: session.login.token.reveal(), source };
    if (subject !== undefined) record.login.subject = subject;
    if (expiresAt !== undefined) record.login.expiresAt = expiresAt;
  }
  if (session.credentials && meta.persistCredentials) {
    record.credentials = { ...session.credentials.value.reveal(), expiration: session.credentials.expiration, issuedAt: session.credentials.issuedAt };
  }
  if (session.clockOffsetMs !== undefined && session.clockOffsetMs !== 0) record.clockOffsetMs = session.clockOffsetMs;
  return JSON.stringify(record);
}

/**
 * Parses a stored record strictly: wrong JSON, another version, a field of the wrong type,
 * a prototype-pollution key (`__proto__`, `constructor`, `prototype`) or a value outside sane
 * bounds throws `InvalidSessionRecord`, and nothing of it is used. Bounds: `updatedAt` no later
 * than `now` plus {@link MAX_CLOCK_OFFSET_MS} (year 2200 when `now` is not given); the clock
 * offset within ±{@link MAX_CLOCK_OFFSET_MS}; every expiry and issue time non-negative and no
 * later than `updatedAt` plus the offset bound plus {@link MAX_STORED_LIFETIME_MS}; credentials issued
 * no later than the record was written (plus the offset bound) and living at most
 * {@link MAX_STORED_LIFETIME_MS}; strings no longer than their kind allows.
 */
export function decodeSessionRecord(text: string, now?: number): { record: SessionRecord; session: StoredSession } {
  if (typeof text !== 'string') throw new InvalidSessionRecord('The stored session is not text.');
  // Refused before JSON.parse spends time and memory on it; the message names the bound, not the text.
  if (text.length > MAX_RECORD_LENGTH) {
    throw new InvalidSessionRecord(`The stored session is longer than ${MAX_RECORD_LENGTH} characters.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text, (key, value: unknown) => {
      if (forbiddenKeys.has(key)) throw new InvalidSessionRecord(`The stored session has a forbidden key "${key}".`);
      return value;
    });
  } catch (error) {
    if (error instanceof InvalidSessionRecord) throw error;
    throw new InvalidSessionRecord('The stored session is not valid JSON.');
  }
  const record = object(raw, 'record');
  const version = record['version'];
  if (version !== SESSION_RECORD_VERSION) {
    // Only a finite number is named: any other value is untrusted text (a token, megabytes).
    const named = typeof version === 'number' && Number.isFinite(version) ? String(version) : 'of another type';
    throw new InvalidSessionRecord(`The stored session has version ${named}, not ${SESSION_RECORD_VERSION}.`);
  }
  const latestUpdate = now === undefined ? LATEST_UPDATED_AT : now + MAX_CLOCK_OFFSET_MS;
  const updatedAt = number(record['updatedAt'], 'updatedAt', 0, latestUpdate);
  // Times on either clock (local or Cognito's) that the record may name.
  const latestIssue = updatedAt + MAX_CLOCK_OFFSET_MS;
  const latestExpiry = latestIssue + MAX_STORED_LIFETIME_MS;
  const parsed: SessionRecord = {
    version: SESSION_RECORD_VERSION,
    writer: string(record['writer'], 'writer', MAX_LENGTH.writer),
    updatedAt,
  };
  const session: StoredSession = {};
  if (record['sessionId'] !== undefined) session.sessionId = parsed.sessionId = string(record['sessionId'], 'sessionId', MAX_SESSION_ID_LENGTH);
  if (record['identityId'] !== undefined) session.identityId = parsed.identityId = identity(record['identityId'], 'identityId');
  if (record['guestIdentityId'] !== undefined) {
    session.guestIdentityId = parsed.guestIdentityId = identity(record['guestIdentityId'], 'guestIdentityId');
  }
  if (record['clockOffsetMs'] !== undefined) {
    session.clockOffsetMs = parsed.clockOffsetMs = number(record['clockOffsetMs'], 'clockOffsetMs', -MAX_CLOCK_OFFSET_MS, MAX_CLOCK_OFFSET_MS);
  }
  if (record['login'] !== undefined) {
    const login = object(record['login'], 'login');
    const source = login['source'];
    if (source !== 'app' && source !== 'userPool') throw new InvalidSessionRecord('The stored session has an unknown login source.');
    parsed.login = {
      loginsKey: string(login['loginsKey'], 'login.loginsKey', MAX_LENGTH.loginsKey),
      token: string(login['token'], 'login.token', MAX_LENGTH.token),
      source,
    };
    const held: Login = { loginsKey: parsed.login.loginsKey, token: new Secret(parsed.login.token), source };
    if (login['subject'] !== undefined) held.subject = parsed.login.subject = string(login['subject'], 'login.subject', MAX_LENGTH.subject);
    if (login['expiresAt'] !== undefined) {
      held.expiresAt = parsed.login.expiresAt = number(login['expiresAt'], 'login.expiresAt', 0, latestExpiry);
    }
    session.login = held;
  }
  if (record['credentials'] !== undefined) {
    const credentials = object(record['credentials'], 'credentials');
    const value = {
      accessKeyId: string(credentials['accessKeyId'], 'credentials.accessKeyId', MAX_LENGTH.accessKeyId),
      secretAccessKey: string(credentials['secretAccessKey'], 'credentials.secretAccessKey', MAX_LENGTH.secretAccessKey),
      sessionToken: string(credentials['sessionToken'], 'credentials.sessionToken', MAX_LENGTH.sessionToken),
    };
    const issuedAt = number(credentials['issuedAt'], 'credentials.issuedAt', 0, latestIssue);
    const held: HeldCredentials = {
      value: new Secret(value),
      expiration: number(credentials['expiration'], 'credentials.expiration', 0, Math.min(latestExpiry, issuedAt + MAX_STORED_LIFETIME_MS)),
      issuedAt,
    };
    parsed.credentials = { ...value, expiration: held.expiration, issuedAt: held.issuedAt };
    session.credentials = held;
  }
  return { record: parsed, session };
}

function object(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidSessionRecord(`The stored session's ${name} is not an object.`);
  }
  return value as Record<string, unknown>;
}

function string(value: unknown, name: string, maxLength: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw new InvalidSessionRecord(`The stored session's ${name} is not a non-empty string of at most ${maxLength} characters.`);
  }
  return value;
}

/** The message names the bound, never the value: the record is untrusted text. */
function number(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidSessionRecord(`The stored session's ${name} is not a number.`);
  if (value < min || value > max) throw new InvalidSessionRecord(`The stored session's ${name} is out of bounds.`);
  return value;
}

function identity(value: unknown, name: string): string {
  // Cognito identity ids are `<region>:<uuid>`, at most 55 characters.
  const text = string(value, name, 55);
  if (!isIdentityIdShaped(text)) throw new InvalidSessionRecord(`The stored session's ${name} is not an identity id.`);
  return text;
}
