import type { HeldCredentials, Login, StoredSession } from '../../machines/auth.types';
import { isIdentityIdShaped } from '../login/identity-ids';
import { Secret } from '../secret';

/** The version of the persisted record; any other version is dropped, not guessed at. */
export const SESSION_RECORD_VERSION = 1;

/** The persisted JSON, as it stands in storage. */
export interface SessionRecord {
  version: typeof SESSION_RECORD_VERSION;
  /** The engine instance that wrote it, so an engine ignores its own writes when they echo back. */
  writer: string;
  /** Local time of the write, epoch ms. */
  updatedAt: number;
  identityId?: string;
  guestIdentityId?: string;
  login?: { loginsKey: string; token: string; subject?: string; expiresAt?: number; source: 'app' | 'userPool' };
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: number; issuedAt: number };
  clockOffsetMs?: number;
}

export class InvalidSessionRecord extends Error {
  override readonly name = 'InvalidSessionRecord';
}

const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** Serialises a session; credentials only when `persistCredentials` is on. */
export function encodeSessionRecord(
  session: StoredSession,
  meta: { writer: string; updatedAt: number; persistCredentials: boolean },
): string {
  const record: SessionRecord = { version: SESSION_RECORD_VERSION, writer: meta.writer, updatedAt: meta.updatedAt };
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
 * Parses a stored record strictly: wrong JSON, another version, a field of the wrong type
 * or a prototype-pollution key (`__proto__`, `constructor`, `prototype`) throws
 * `InvalidSessionRecord`, and nothing of it is used.
 */
export function decodeSessionRecord(text: string): { record: SessionRecord; session: StoredSession } {
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
  if (record['version'] !== SESSION_RECORD_VERSION) {
    throw new InvalidSessionRecord(`The stored session has version ${JSON.stringify(record['version'])}, not ${SESSION_RECORD_VERSION}.`);
  }
  const parsed: SessionRecord = {
    version: SESSION_RECORD_VERSION,
    writer: string(record['writer'], 'writer'),
    updatedAt: number(record['updatedAt'], 'updatedAt'),
  };
  const session: StoredSession = {};
  if (record['identityId'] !== undefined) session.identityId = parsed.identityId = identity(record['identityId'], 'identityId');
  if (record['guestIdentityId'] !== undefined) {
    session.guestIdentityId = parsed.guestIdentityId = identity(record['guestIdentityId'], 'guestIdentityId');
  }
  if (record['clockOffsetMs'] !== undefined) session.clockOffsetMs = parsed.clockOffsetMs = number(record['clockOffsetMs'], 'clockOffsetMs');
  if (record['login'] !== undefined) {
    const login = object(record['login'], 'login');
    const source = login['source'];
    if (source !== 'app' && source !== 'userPool') throw new InvalidSessionRecord('The stored session has an unknown login source.');
    parsed.login = { loginsKey: string(login['loginsKey'], 'login.loginsKey'), token: string(login['token'], 'login.token'), source };
    const held: Login = { loginsKey: parsed.login.loginsKey, token: new Secret(parsed.login.token), source };
    if (login['subject'] !== undefined) held.subject = parsed.login.subject = string(login['subject'], 'login.subject');
    if (login['expiresAt'] !== undefined) held.expiresAt = parsed.login.expiresAt = number(login['expiresAt'], 'login.expiresAt');
    session.login = held;
  }
  if (record['credentials'] !== undefined) {
    const credentials = object(record['credentials'], 'credentials');
    const value = {
      accessKeyId: string(credentials['accessKeyId'], 'credentials.accessKeyId'),
      secretAccessKey: string(credentials['secretAccessKey'], 'credentials.secretAccessKey'),
      sessionToken: string(credentials['sessionToken'], 'credentials.sessionToken'),
    };
    const held: HeldCredentials = {
      value: new Secret(value),
      expiration: number(credentials['expiration'], 'credentials.expiration'),
      issuedAt: number(credentials['issuedAt'], 'credentials.issuedAt'),
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

function string(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 100_000) {
    throw new InvalidSessionRecord(`The stored session's ${name} is not a non-empty string.`);
  }
  return value;
}

function number(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidSessionRecord(`The stored session's ${name} is not a number.`);
  return value;
}

function identity(value: unknown, name: string): string {
  const text = string(value, name);
  if (!isIdentityIdShaped(text)) throw new InvalidSessionRecord(`The stored session's ${name} is not an identity id.`);
  return text;
}
