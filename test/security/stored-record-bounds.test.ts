// Issue 11, finding 13: absurd values in a stored session record. A record whose numbers lie
// outside sane bounds (a clock offset of -1e13 ms, an expiration in the year 2242) used to be
// trusted, so expired credentials were served as valid for centuries. Such a record is corrupt:
// it is dropped, reported as sessionRestore_failure, and nothing of it is served.
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/index';
import { decodeSessionRecord, encodeSessionRecord, InvalidSessionRecord } from '../../src/session/session-record';
import { MAX_STORED_LIFETIME_MS as MAX_LIFETIME_MS } from '../../src/model/lifetimes';
import { MAX_CLOCK_OFFSET_MS } from '../../src/model/server-time';
import { startEngineStack, untilIdle, type EngineStack } from '../support/engine-stack';
import { storedSession } from './fixtures/stored-session';

const HOUR = 3_600_000;

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

type RecordJson = {
  updatedAt: number;
  clockOffsetMs?: number;
  login?: { expiresAt?: number };
  credentials?: { expiration: number; issuedAt: number };
};

describe('finding 13: a hostile record in storage restores nothing and serves no credentials', () => {
  const cases: Array<[string, { persistCredentials: boolean; laterMs: number; tamper: (record: RecordJson) => void }]> = [
    [
      'a clock offset of -1e13 ms (expired credentials looked valid until 2343)',
      { persistCredentials: true, laterMs: 3 * HOUR, tamper: (record) => void (record.clockOffsetMs = -1e13) },
    ],
    [
      'a credentials expiration of 8.6e15 (the year 2242)',
      { persistCredentials: true, laterMs: 3 * HOUR, tamper: (record) => void (record.credentials!.expiration = 8.6e15) },
    ],
    [
      'a login that expires in the year 2242',
      { persistCredentials: false, laterMs: 3 * HOUR, tamper: (record) => void (record.login!.expiresAt = 8.6e15) },
    ],
    [
      'an updatedAt far in the future',
      { persistCredentials: true, laterMs: 0, tamper: (record) => void (record.updatedAt = 8.6e15) },
    ],
  ];

  it.each(cases)('%s', async (_name, { persistCredentials, laterMs, tamper }) => {
    stack = await startEngineStack();
    const storage = createMemoryStorage();
    const key = `idpool.default.${stack.pool.identityPoolId}.session`;
    const first = stack.engine({ storage, persistCredentials });
    const { credentials } = await first.federateToIdentityPool({
      token: await stack.issuer.mintToken({ sub: 'alice' }),
      provider: stack.issuer.loginsKey,
    });
    await first.stop();
    const record = JSON.parse((await storage.getItem(key))!) as RecordJson;
    tamper(record);
    await storage.setItem(key, JSON.stringify(record));
    await stack.clock.advance(laterMs);
    stack.events.length = 0;
    stack.pool.resetStats();

    const second = stack.engine({ storage, persistCredentials });
    await untilIdle(second);
    expect(second.actor.getSnapshot().matches('signedOut')).toBe(true);
    expect(stack.events[0]).toEqual({
      type: 'sessionRestore_failure',
      error: { name: 'StorageError', message: expect.stringContaining('dropped') },
    });
    expect(stack.events.some((event) => event.type === 'sessionRestored')).toBe(false);
    const session = await second.fetchAuthSession();
    expect(session.credentials).toBeUndefined();
    expect(JSON.stringify(session)).not.toContain(credentials.accessKeyId);
    expect(stack.pool.stats().requests).toEqual({});
    expect(await storage.getItem(key)).toBeNull();
  });
});

describe('finding 13: decodeSessionRecord bounds every number and string', () => {
  const now = Date.UTC(2030, 0, 1);
  const session = storedSession(now, 'header.payload.signature');
  const valid = encodeSessionRecord(session, { writer: 'engine-1', updatedAt: now, persistCredentials: true });
  const edit = (change: (record: Record<string, unknown> & RecordJson) => void): string => {
    const record = JSON.parse(valid) as Record<string, unknown> & RecordJson;
    change(record);
    return JSON.stringify(record);
  };

  it('accepts a record within bounds, at the edges too', () => {
    expect(decodeSessionRecord(valid, now).session.clockOffsetMs).toBe(90_000);
    const edges = edit((record) => {
      record.clockOffsetMs = -MAX_CLOCK_OFFSET_MS;
      record.credentials!.expiration = now + MAX_LIFETIME_MS;
      record.login!.expiresAt = now + MAX_LIFETIME_MS;
      record.updatedAt = now + MAX_CLOCK_OFFSET_MS;
    });
    expect(() => decodeSessionRecord(edges, now)).not.toThrow();
    // An expired login or expired credentials are not corrupt: the engine refreshes them.
    const expired = edit((record) => {
      record.login!.expiresAt = now - 30 * 24 * HOUR;
      record.credentials!.expiration = now - 2 * HOUR;
      record.credentials!.issuedAt = now - 3 * HOUR;
    });
    expect(() => decodeSessionRecord(expired, now)).not.toThrow();
  });

  const hostile: Array<[string, (record: Record<string, unknown> & RecordJson) => void]> = [
    ['clockOffsetMs -1e13', (record) => void (record.clockOffsetMs = -1e13)],
    ['clockOffsetMs +1e13', (record) => void (record.clockOffsetMs = 1e13)],
    ['clockOffsetMs just over a day', (record) => void (record.clockOffsetMs = MAX_CLOCK_OFFSET_MS + 1)],
    ['credentials.expiration 8.6e15', (record) => void (record.credentials!.expiration = 8.6e15)],
    ['credentials living longer than the maximum', (record) => void (record.credentials!.expiration = now + MAX_LIFETIME_MS + 1)],
    ['credentials.issuedAt in the far future', (record) => void (record.credentials!.issuedAt = now + 10 * 24 * HOUR)],
    ['credentials.issuedAt negative', (record) => void (record.credentials!.issuedAt = -1)],
    ['credentials.expiration negative', (record) => void (record.credentials!.expiration = -5)],
    ['login.expiresAt 8.6e15', (record) => void (record.login!.expiresAt = 8.6e15)],
    ['login.expiresAt negative', (record) => void (record.login!.expiresAt = -1)],
    ['updatedAt 8.6e15', (record) => void (record.updatedAt = 8.6e15)],
    ['updatedAt a week ahead of now', (record) => void (record.updatedAt = now + 7 * 24 * HOUR)],
    ['updatedAt negative', (record) => void (record.updatedAt = -1)],
    ['writer 10,000 characters long', (record) => void (record['writer'] = 'w'.repeat(10_000))],
    ['a token 60,000 characters long', (record) => void ((record.login as Record<string, unknown>)['token'] = 't'.repeat(60_000))],
    ['a Logins key 5,000 characters long', (record) => void ((record.login as Record<string, unknown>)['loginsKey'] = 'k'.repeat(5_000))],
    ['a subject 5,000 characters long', (record) => void ((record.login as Record<string, unknown>)['subject'] = 's'.repeat(5_000))],
    ['an access key id 1,000 characters long', (record) => void ((record.credentials as Record<string, unknown>)['accessKeyId'] = 'A'.repeat(1_000))],
    ['a secret key 1,000 characters long', (record) => void ((record.credentials as Record<string, unknown>)['secretAccessKey'] = 's'.repeat(1_000))],
    ['a session token 50,000 characters long', (record) => void ((record.credentials as Record<string, unknown>)['sessionToken'] = 't'.repeat(50_000))],
  ];

  it.each(hostile)('rejects %s as corrupt', (_name, change) => {
    const text = edit(change);
    let thrown: unknown;
    try {
      decodeSessionRecord(text, now);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidSessionRecord);
    // The message names the field, never its value (which may be a token).
    expect((thrown as Error).message).not.toMatch(/t{100}|s{100}/);
  });

  it('bounds updatedAt even when no clock is given', () => {
    expect(() => decodeSessionRecord(edit((record) => void (record.updatedAt = 8.6e15)))).toThrow(InvalidSessionRecord);
    expect(() => decodeSessionRecord(valid)).not.toThrow();
  });
});
