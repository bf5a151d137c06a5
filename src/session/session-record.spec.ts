// Pins the stored session record: what encodeSessionRecord writes, and every bound and rejection of decodeSessionRecord.
import { describe, expect, it } from 'vitest';
import { MAX_STORED_LIFETIME_MS } from '../model/lifetimes';
import { MAX_CLOCK_OFFSET_MS } from '../model/server-time';
import { Secret } from '../model/secret';
import type { StoredSession } from '../model/session';
import { MAX_SESSION_ID_LENGTH } from './cleared-sessions';
import { decodeSessionRecord, encodeSessionRecord, InvalidSessionRecord, MAX_RECORD_LENGTH, SESSION_RECORD_VERSION } from './session-record';

const NOW = Date.UTC(2030, 0, 1);
const HOUR = 3_600_000;
const ID = 'us-east-1:00000000-0000-4000-8000-000000000001';
const GUEST = 'us-east-1:00000000-0000-4000-8000-000000000002';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln';
const KEYS = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret-key', sessionToken: 'session-token' };

const session = (): StoredSession => ({
  sessionId: 'writer.1',
  identityId: ID,
  guestIdentityId: GUEST,
  login: { loginsKey: 'issuer.example.test', token: new Secret(TOKEN), subject: 'alice', expiresAt: NOW + HOUR, source: 'app' },
  credentials: { value: new Secret(KEYS), expiration: NOW + HOUR, issuedAt: NOW },
  clockOffsetMs: 90_000,
});
const meta = { writer: 'writer', updatedAt: NOW, persistCredentials: true };

/** A valid record as JSON, for one field at a time to be broken. */
type Json = Record<string, unknown> & { login: Record<string, unknown>; credentials: Record<string, unknown> };
const record = (): Json => JSON.parse(encodeSessionRecord(session(), meta)) as Json;
const decode = (value: unknown) => decodeSessionRecord(JSON.stringify(value), NOW);
const revealed = (stored: StoredSession) => ({ ...stored, login: { ...stored.login, token: stored.login?.token.reveal() }, credentials: { ...stored.credentials, value: stored.credentials?.value.reveal() } });

describe('encodeSessionRecord', () => {
  it('round-trips every field through decodeSessionRecord', () => {
    const text = encodeSessionRecord(session(), meta);
    const { record: parsed, session: decoded } = decodeSessionRecord(text, NOW);
    expect(revealed(decoded)).toEqual(revealed(session()));
    expect(parsed).toEqual(JSON.parse(text));
    expect(parsed.version).toBe(SESSION_RECORD_VERSION);
    expect(decoded.login?.token).toBeInstanceOf(Secret);
    expect(decoded.credentials?.value).toBeInstanceOf(Secret);
  });

  it('writes the AWS credentials only when persistCredentials is on', () => {
    const text = encodeSessionRecord(session(), { ...meta, persistCredentials: false });
    expect(text).not.toContain(KEYS.secretAccessKey);
    expect(text).not.toContain(KEYS.sessionToken);
    expect(decodeSessionRecord(text, NOW).session.credentials).toBeUndefined();
  });

  it('writes only what the session has, and no zero clock offset', () => {
    expect(JSON.parse(encodeSessionRecord({ clockOffsetMs: 0 }, meta))).toEqual({ version: 1, writer: 'writer', updatedAt: NOW });
  });
});

describe('decodeSessionRecord bounds: the last accepted value, then the first refused', () => {
  const latestIssue = NOW + MAX_CLOCK_OFFSET_MS;
  const cases: Array<[string, (json: Json, value: number) => void, number, number]> = [
    ['updatedAt (no later than now plus the offset bound)', (json, v) => void (json['updatedAt'] = v), NOW + MAX_CLOCK_OFFSET_MS, NOW + MAX_CLOCK_OFFSET_MS + 1],
    ['updatedAt (not negative)', (json, v) => void Object.assign(json, { updatedAt: v, login: undefined, credentials: undefined }), 0, -1],
    ['clockOffsetMs (ahead)', (json, v) => void (json['clockOffsetMs'] = v), MAX_CLOCK_OFFSET_MS, MAX_CLOCK_OFFSET_MS + 1],
    ['clockOffsetMs (behind)', (json, v) => void (json['clockOffsetMs'] = v), -MAX_CLOCK_OFFSET_MS, -MAX_CLOCK_OFFSET_MS - 1],
    ['login.expiresAt', (json, v) => void (json.login['expiresAt'] = v), latestIssue + MAX_STORED_LIFETIME_MS, latestIssue + MAX_STORED_LIFETIME_MS + 1],
    ['login.expiresAt (not negative)', (json, v) => void (json.login['expiresAt'] = v), 0, -1],
    ['credentials.issuedAt', (json, v) => void Object.assign(json.credentials, { issuedAt: v, expiration: v + HOUR }), latestIssue, latestIssue + 1],
    ['credentials.issuedAt (not negative)', (json, v) => void Object.assign(json.credentials, { issuedAt: v, expiration: HOUR }), 0, -1],
    ['credentials.expiration (a lifetime of at most a stored year)', (json, v) => void (json.credentials['expiration'] = v), NOW + MAX_STORED_LIFETIME_MS, NOW + MAX_STORED_LIFETIME_MS + 1],
    ['credentials.expiration (not negative)', (json, v) => void Object.assign(json.credentials, { issuedAt: 0, expiration: v }), 0, -1],
  ];
  it.each(cases)('%s', (_name, set, accepted, refused) => {
    const good = record();
    set(good, accepted);
    expect(() => decode(good)).not.toThrow();
    const bad = record();
    set(bad, refused);
    expect(() => decode(bad)).toThrow(/out of bounds/);
  });

  it('caps updatedAt at the year 2200 when no clock is given', () => {
    const json = record();
    json['updatedAt'] = Date.UTC(2200, 0, 1);
    expect(() => decodeSessionRecord(JSON.stringify(json))).not.toThrow();
    json['updatedAt'] = Date.UTC(2200, 0, 1) + 1;
    expect(() => decodeSessionRecord(JSON.stringify(json))).toThrow(InvalidSessionRecord);
  });

  const lengths: Array<[string, number, (json: Json, value: string) => void]> = [
    ['writer', 256, (json, v) => void (json['writer'] = v)],
    ['sessionId', MAX_SESSION_ID_LENGTH, (json, v) => void (json['sessionId'] = v)],
    ['login.loginsKey', 2048, (json, v) => void (json.login['loginsKey'] = v)],
    ['login.token', 50_000, (json, v) => void (json.login['token'] = v)],
    ['login.subject', 1024, (json, v) => void (json.login['subject'] = v)],
    ['credentials.accessKeyId', 128, (json, v) => void (json.credentials['accessKeyId'] = v)],
    ['credentials.secretAccessKey', 256, (json, v) => void (json.credentials['secretAccessKey'] = v)],
    ['credentials.sessionToken', 20_000, (json, v) => void (json.credentials['sessionToken'] = v)],
  ];
  it.each(lengths)('%s: a non-empty string of at most %i characters', (name, max, set) => {
    const good = record();
    set(good, 'x'.repeat(max));
    expect(() => decode(good)).not.toThrow();
    for (const bad of ['', 'x'.repeat(max + 1)]) {
      const json = record();
      set(json, bad);
      expect(() => decode(json)).toThrow(new RegExp(`${name.replace('.', '\\.')} is not a non-empty string`));
    }
  });

  it('refuses a text longer than MAX_RECORD_LENGTH before parsing it', () => {
    const padded = JSON.stringify({ ...record(), pad: 'x'.repeat(MAX_RECORD_LENGTH) });
    expect(() => decodeSessionRecord(padded, NOW)).toThrow(`longer than ${MAX_RECORD_LENGTH} characters`);
  });
});

describe('decodeSessionRecord rejections', () => {
  it.each([
    ['not text', 42 as unknown as string, /not text/],
    ['not JSON', '{"version":1,', /not valid JSON/],
    ['an array', '[]', /record is not an object/],
    ['null', 'null', /record is not an object/],
    ['another version', JSON.stringify({ ...record(), version: 2 }), /version 2, not 1/],
  ])('%s', (_name, text, message) => {
    expect(() => decodeSessionRecord(text, NOW)).toThrow(message);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('a "%s" key at any depth', (key) => {
    const top = JSON.stringify(record()).replace('{', `{"${key}":{},`);
    const nested = JSON.stringify(record()).replace('"login":{', `"login":{"${key}":1,`);
    for (const text of [top, nested]) expect(() => decodeSessionRecord(text, NOW)).toThrow(`forbidden key "${key}"`);
  });

  it.each([
    ['identityId not shaped like one', (json: Json) => void (json['identityId'] = 'us-east-1:not-hex!'), /identityId is not an identity id/],
    ['identityId over 55 characters', (json: Json) => void (json['identityId'] = `us-east-1:${'0'.repeat(46)}`), /identityId is not a non-empty string/],
    ['guestIdentityId not shaped like one', (json: Json) => void (json['guestIdentityId'] = '../etc'), /guestIdentityId is not an identity id/],
    ['an unknown login source', (json: Json) => void (json.login['source'] = 'admin'), /unknown login source/],
    ['login not an object', (json: Json) => void Object.assign(json, { login: 'token' }), /login is not an object/],
    ['credentials not an object', (json: Json) => void Object.assign(json, { credentials: [KEYS] }), /credentials is not an object/],
    ['a missing secret key', (json: Json) => void delete json.credentials['secretAccessKey'], /secretAccessKey is not a non-empty string/],
    ['a missing writer', (json: Json) => void delete json['writer'], /writer is not a non-empty string/],
    ['a time given as text', (json: Json) => void (json['updatedAt'] = String(NOW)), /updatedAt is not a number/],
  ])('%s', (_name, tamper, message) => {
    const json = record();
    tamper(json);
    expect(() => decode(json)).toThrow(message);
  });

  it('refuses a number JSON reads as Infinity', () => {
    const text = JSON.stringify(record()).replace(/"clockOffsetMs":\d+/, '"clockOffsetMs":1e400');
    expect(() => decodeSessionRecord(text, NOW)).toThrow(/clockOffsetMs is not a number/);
  });

  it('never quotes the stored text in its message', () => {
    const attempts = [
      { ...record(), version: TOKEN },
      { ...record(), updatedAt: TOKEN },
      { ...record(), identityId: TOKEN },
      { ...record(), login: { ...record().login, source: TOKEN } },
    ];
    for (const json of attempts) {
      const error = (() => {
        try {
          decode(json);
        } catch (thrown) {
          return thrown as Error;
        }
        throw new Error('accepted');
      })();
      expect(error).toBeInstanceOf(InvalidSessionRecord);
      expect(error.message).not.toContain('eyJ');
    }
  });
});
