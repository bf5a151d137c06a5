// Adversarial coverage of issue 11, findings 10 (adapter side), 13 and 14: attacks on stored
// records, change notices, cookie headers, the session file, Redis and leases that are defended
// today and must stay defended. (The engine-side leftovers are in engine-leftovers.test.ts.)
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoredSession } from '../../src/model/session';
import { createCookieStorage, createMemoryStorage, createWebStorage, StorageError } from '../../src/index';
import { decodeSessionRecord, encodeSessionRecord, InvalidSessionRecord } from '../../src/session/session-record';
import { MAX_STORED_LIFETIME_MS as MAX_LIFETIME_MS } from '../../src/model/lifetimes';
import { MAX_CLOCK_OFFSET_MS } from '../../src/model/server-time';
import { createFileStorage } from '../../src/storage/file-storage';
import type { StorageChangeListener } from '../../src/storage/key-value-storage';
import { createRedisStorage, type RedisStorage } from '../../src/storage/redis-storage';
import { startEngineStack, untilIdle, type EngineStack } from '../support/engine-stack';
import { withinGenerousBound } from '../support/generous-bound';
import { mapWebStorage } from './fixtures/map-web-storage';
import { startBenchRedisServer as startRedisServer, type BenchRedisServer as RedisServer } from '../../bench/lib/redis-server';
import { storageRejection } from './fixtures/storage-rejection';
import { storedSession } from './fixtures/stored-session';
import { tappedStorage } from './fixtures/tapped-storage';

const HOUR = 3_600_000;
const NOW = Date.UTC(2030, 0, 1);
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLWFsaWNl';
const SESSION: StoredSession = { sessionId: 'session-1', ...storedSession(NOW, TOKEN) };
const VALID = encodeSessionRecord(SESSION, { writer: 'engine-1', updatedAt: NOW, persistCredentials: true });
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();

let stack: EngineStack | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function expectPrototypeUntouched(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_NAMES);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
}

function tempDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'idpool-attack-storage-'));
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

/** Whatever a decoded record holds lies within the documented bounds. */
function expectWithinBounds(text: string): void {
  const { record, session } = decodeSessionRecord(text, NOW);
  const latestExpiry = record.updatedAt + MAX_CLOCK_OFFSET_MS + MAX_LIFETIME_MS;
  expect(record.updatedAt).toBeGreaterThanOrEqual(0);
  expect(record.updatedAt).toBeLessThanOrEqual(NOW + MAX_CLOCK_OFFSET_MS);
  if (session.clockOffsetMs !== undefined) expect(Math.abs(session.clockOffsetMs)).toBeLessThanOrEqual(MAX_CLOCK_OFFSET_MS);
  if (session.login?.expiresAt !== undefined) expect(session.login.expiresAt).toBeLessThanOrEqual(latestExpiry);
  if (session.credentials) {
    expect(session.credentials.expiration).toBeLessThanOrEqual(latestExpiry);
    expect(session.credentials.expiration - session.credentials.issuedAt).toBeLessThanOrEqual(MAX_LIFETIME_MS);
  }
  for (const holder of [record, record.login ?? {}, record.credentials ?? {}]) {
    expect(Object.getOwnPropertyNames(holder).filter((name) => ['__proto__', 'constructor', 'prototype'].includes(name))).toEqual([]);
  }
}

describe('hostile stored records are refused whole, with InvalidSessionRecord only', () => {
  type Editable = Record<string, unknown> & { login: Record<string, unknown>; credentials: Record<string, unknown> };
  const edit = (change: (record: Editable) => void) => {
    const record = JSON.parse(VALID) as Editable;
    change(record);
    return JSON.stringify(record);
  };
  const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const cases: Array<[string, string]> = [
    ['"__proto__" at the top', VALID.replace('{', '{"__proto__":{"polluted":true},')],
    ['"__proto__" inside login', VALID.replace('"login":{', '"login":{"__proto__":{"polluted":true},')],
    ['"constructor" inside credentials', VALID.replace('"credentials":{', '"credentials":{"constructor":{"prototype":{"polluted":true}},')],
    ['"prototype" in an unknown field', VALID.replace('{', '{"extra":{"prototype":1},')],
    ['a nesting bomb 100,000 deep', VALID.replace('{', `{"extra":${deep(100_000)},`)],
    ['a byte order mark', `\uFEFF${VALID}`],
    ['a record from a future version', edit((record) => void (record['version'] = 2))],
    ['a version that is a string', edit((record) => void (record['version'] = '1'))],
    ['updatedAt as a NaN-ish string', edit((record) => void (record['updatedAt'] = 'NaN'))],
    ['clockOffsetMs 1e308', edit((record) => void (record['clockOffsetMs'] = 1e308))],
    ['clockOffsetMs as a numeric string', edit((record) => void (record['clockOffsetMs'] = '-1e13'))],
    ['an expiration as a string', edit((record) => void (record.credentials['expiration'] = '9999999999999'))],
    ['an expiration of 1e308', edit((record) => void (record.credentials['expiration'] = 1e308))],
    ['a negative issuedAt', edit((record) => void (record.credentials['issuedAt'] = -1))],
    ['a duplicate key whose last value is absurd', VALID.replace(/}$/, ',"clockOffsetMs":-10000000000000}')],
    ['login as an array', edit((record) => void Object.assign(record, { login: [TOKEN] }))],
    ['credentials null', edit((record) => void Object.assign(record, { credentials: null }))],
    ['a token that is a number', edit((record) => void (record.login['token'] = 42))],
    ['an empty token', edit((record) => void (record.login['token'] = ''))],
    ['an unknown login source', edit((record) => void (record.login['source'] = '__proto__'))],
    ['a writer of 257 characters', edit((record) => void (record['writer'] = 'w'.repeat(257)))],
    ['a token of 50,001 characters', edit((record) => void (record.login['token'] = 't'.repeat(50_001)))],
    ['an identity id with a look-alike colon', edit((record) => void (record['identityId'] = 'us-east-1\uFF1A00000000-0000-4000-8000-000000000001'))],
    ['an identity id with a trailing newline', edit((record) => void (record['identityId'] = `${SESSION.identityId}\n`))],
    ['JSON that is an array', `[${VALID}]`],
    ['JSON that is a string', JSON.stringify(VALID)],
    ['truncated JSON', VALID.slice(0, -5)],
  ];

  it.each(cases)('%s', (_name, text) => {
    expect(() => decodeSessionRecord(text, NOW)).toThrow(InvalidSessionRecord);
    expectPrototypeUntouched();
  });

  it('accepts -0 and the exact bounds, and nothing outside them', () => {
    expectWithinBounds(edit((record) => void (record['clockOffsetMs'] = -0)));
    expectWithinBounds(edit((record) => void (record['clockOffsetMs'] = -MAX_CLOCK_OFFSET_MS)));
    expect(() => decodeSessionRecord(edit((record) => void (record['clockOffsetMs'] = -MAX_CLOCK_OFFSET_MS - 1)), NOW)).toThrow(InvalidSessionRecord);
  });

  it('property: any mutation of a valid record either decodes within bounds or throws InvalidSessionRecord', () => {
    const paths = [
      ['version'],
      ['writer'],
      ['updatedAt'],
      ['sessionId'],
      ['identityId'],
      ['clockOffsetMs'],
      ['login'],
      ['login', 'token'],
      ['login', 'expiresAt'],
      ['login', 'source'],
      ['credentials'],
      ['credentials', 'expiration'],
      ['credentials', 'issuedAt'],
      ['credentials', 'sessionToken'],
      ['__proto__'],
      ['constructor'],
      ['login', '__proto__'],
      ['extra'],
    ] as const;
    const hostileNumber = fc.oneof(
      fc.constantFrom(1e308, -1e308, -0, 2 ** 53, 2 ** 31, Number.MAX_SAFE_INTEGER, -1, NOW + MAX_CLOCK_OFFSET_MS + 1, 8.6e15, -1e13),
      fc.double(),
      fc.integer({ min: NOW - 400 * 24 * HOUR, max: NOW + 400 * 24 * HOUR }),
    );
    const hostileValue = fc.oneof(
      hostileNumber,
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom('NaN', 'Infinity', '1e13', '', '\u0000', '\uD800', 'x'.repeat(60_000), null, [], {}),
    );
    const mutation = fc.record({ path: fc.constantFrom(...paths), value: hostileValue });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (mutations, duplicateKey) => {
        const record = JSON.parse(VALID) as Record<string, unknown>;
        for (const { path, value } of mutations) {
          let holder: Record<string, unknown> = record;
          for (const step of path.slice(0, -1)) {
            const next = holder[step];
            if (typeof next !== 'object' || next === null || Array.isArray(next)) break;
            holder = next as Record<string, unknown>;
          }
          // defineProperty: a `__proto__` field must become a key of the JSON text, as an attacker writes it.
          // A copy: fast-check may hand the same object to two mutations, and a later one would
          // then write into it (a cycle no stored text can hold).
          Object.defineProperty(holder, path[path.length - 1]!, { value: structuredClone(value), enumerable: true, writable: true, configurable: true });
        }
        let text = JSON.stringify(record);
        if (duplicateKey) text = text.replace(/}$/, `,"updatedAt":${JSON.stringify(mutations[0]!.value) ?? 'null'}}`);
        try {
          expectWithinBounds(text);
        } catch (error) {
          if (!(error instanceof InvalidSessionRecord)) throw error;
        }
        expectPrototypeUntouched();
      }),
      { numRuns: Number(process.env['IDPOOL_FUZZ_RUNS'] ?? 300) },
    );
  });
});

describe('a hostile record or notice from another context leaves the earlier valid session', () => {
  it('keeps serving the federated session, with no Cognito call, through bad records and odd notices', async () => {
    stack = await startEngineStack();
    const { storage, backing, listeners } = tappedStorage();
    const auth = stack.engine({ storage });
    const federated = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
    const key = `idpool.default.${stack.pool.identityPoolId}.session`;
    const good = JSON.parse((await backing.getItem(key))!) as Record<string, unknown>;
    const later = { ...good, writer: 'other-context', updatedAt: stack.clock.now() + 1 };
    stack.pool.resetStats();

    const hostileRecords = [
      JSON.stringify({ ...later, clockOffsetMs: -1e13 }),
      JSON.stringify({ ...later, identityId: 'us-east-1:00000000-0000-4000-8000-00000000dead', version: 2 }),
      JSON.stringify(later).replace('{', '{"__proto__":{"polluted":true},'),
      `\uFEFF${JSON.stringify(later)}`,
      '{"version":1',
    ];
    for (const text of hostileRecords) await backing.setItem(key, text);
    const oddNotices: unknown[] = [{ key: 5, newValue: 'x' }, { key: '__proto__', newValue: JSON.stringify(later) }, { key: 'constructor' }, { key, newValue: 42 }, { key, newValue: ['x'] }];
    for (const notice of oddNotices) for (const listener of listeners) listener(notice as Parameters<StorageChangeListener>[0]);

    await untilIdle(auth);
    expect(auth.actor.getSnapshot().matches('federated')).toBe(true);
    const session = await auth.fetchAuthSession();
    expect(session.identityId).toBe(federated.identityId);
    expect(session.credentials?.accessKeyId).toBe(federated.credentials.accessKeyId);
    expect(stack.pool.stats().requests).toEqual({});
    expect(stack.events.some((event) => event.type === 'federationToIdentityPoolCleared' || event.type === 'sessionRestored')).toBe(false);
    expectPrototypeUntouched();
  });
});

describe('hostile Cookie headers', () => {
  const reader = (cookieHeader: string, options: Parameters<typeof createCookieStorage>[0]['options'] = {}) =>
    createCookieStorage({ getCookieHeader: () => cookieHeader, setCookie: () => undefined, options });

  it('ignores look-alike prefixes and unprefixed plants: only the exact __Host- name is the key', async () => {
    for (const header of ['__host-k=evil', '__HOST-k=evil', '__Secure-k=evil', 'k=evil', '__Host-K=evil', '__Host-k2=evil', ' __Host-kx=evil']) {
      expect(await reader(header).getItem('k')).toBeNull();
    }
    expect(await reader('__Host-k=good; __host-k=evil; k=evil').getItem('k')).toBe('good');
  });

  it('treats every spelling of a second cookie with the name as tampering', async () => {
    const headers = [
      '__Host-k=a; __Host-k=b',
      '__Host-k=a;__Host-k=a',
      '__Host-k=a; __Host-k =b',
      '  __Host-k=a  ;   __Host-k="b"',
      '__Host-k="x; __Host-k=y"',
      '__Host-k=; __Host-k=b',
    ];
    for (const header of headers) {
      const error = await storageRejection(reader(header).getItem('k'));
      expect(error).toMatchObject({ adapter: 'cookie', operation: 'getItem', reason: 'tampered' });
      expect(error.message).not.toMatch(/"?[ab]"?;|=[xy]/);
    }
    // Without Secure there is no prefix to lean on: duplicates are tampering all the same.
    expect(await storageRejection(reader('k=a; k=b', { secure: false }).getItem('k'))).toMatchObject({ reason: 'tampered' });
    // With migration on, the unprefixed name is read only while no prefixed one exists, and duplicates of it are tampering.
    expect(await reader('k=old; __Host-k=new', { migrateUnprefixed: true }).getItem('k')).toBe('new');
    expect(await storageRejection(reader('k=a; k=b', { migrateUnprefixed: true }).getItem('k'))).toMatchObject({ reason: 'tampered' });
  });

  it('round-trips values holding ;, quotes, commas, spaces and non-ASCII without letting them split the cookie', async () => {
    const jar = new Map<string, string>();
    const written: string[] = [];
    const storage = createCookieStorage({
      getCookieHeader: () => [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
      setCookie: (serialized) => {
        written.push(serialized);
        const pair = serialized.slice(0, serialized.indexOf(';'));
        jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
      },
      verifyWrites: true,
    });
    const value = '{"a":"x; __Host-k=evil, \\"q\\" é 🎉"}';
    await storage.setItem('k', value);
    expect(await storage.getItem('k')).toBe(value);
    expect(written[0]!.split(';')[0]).toMatch(/^__Host-k=[^;\s",]+$/);
    expect([...jar.keys()]).toEqual(['__Host-k']);
  });

  it('answers prototype-named keys as absent unless their own cookie is there', async () => {
    const storage = reader('__Host-constructor=v; toString=x');
    expect(await storage.getItem('constructor')).toBe('v');
    for (const key of ['__proto__', 'toString', 'hasOwnProperty', 'valueOf']) expect(await storage.getItem(key)).toBeNull();
    expectPrototypeUntouched();
  });
});

describe('hostile file system state under file storage', () => {
  it('replaces a symlink at its path instead of writing through it, and keeps the file 0600', async () => {
    const directory = tempDirectory();
    const target = join(directory, 'precious.txt');
    writeFileSync(target, 'precious', { mode: 0o644 });
    const path = join(directory, 'session.json');
    symlinkSync(target, path);
    const errors: unknown[] = [];
    const storage = createFileStorage(path, { watch: false, onError: (error) => void errors.push(error) });
    expect(await storage.getItem('k')).toBeNull();
    await storage.setItem('k', 'v');
    expect(readFileSync(target, 'utf8')).toBe('precious');
    expect(lstatSync(path).isSymbolicLink()).toBe(false);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await storage.getItem('k')).toBe('v');
    expect(errors.every((error) => error instanceof StorageError && !inspect(error, { depth: Infinity }).includes('precious'))).toBe(true);
  });

  it('rejects every operation with a StorageError when a directory stands at its path', async () => {
    const path = join(tempDirectory(), 'session.json');
    mkdirSync(path);
    const storage = createFileStorage(path, { watch: false });
    expect(await storageRejection(storage.getItem('k'))).toMatchObject({ adapter: 'file', operation: 'getItem' });
    expect(await storageRejection(storage.setItem('k', TOKEN))).toMatchObject({ adapter: 'file', operation: 'setItem' });
    expect(await storageRejection(storage.removeItem('k'))).toMatchObject({ adapter: 'file', operation: 'removeItem' });
    const failed = await storageRejection(storage.setItem('k', TOKEN));
    expect(inspect(failed, { depth: Infinity, showHidden: true })).not.toContain(TOKEN);
  });

  it('reads a file with a NUL, a BOM, an array or a bare string as empty, reporting it without quoting it', async () => {
    for (const content of [`{"k":"${TOKEN}\u0000"}`, `\uFEFF{"k":"${TOKEN}"}`, `[${JSON.stringify(TOKEN)}]`, JSON.stringify(TOKEN)]) {
      const path = join(tempDirectory(), 'session.json');
      writeFileSync(path, content);
      const errors: unknown[] = [];
      const storage = createFileStorage(path, { watch: false, onError: (error) => void errors.push(error) });
      expect(await storage.getItem('k')).toBeNull();
      expect(errors.length).toBeGreaterThan(0);
      for (const error of errors) {
        expect(error).toMatchObject({ name: 'StorageError', adapter: 'file', reason: 'corrupt' });
        expect(inspect(error, { depth: Infinity, showHidden: true })).not.toContain(TOKEN);
      }
    }
  });

  it('holds prototype names as ordinary keys, reading and writing them as data', async () => {
    const path = join(tempDirectory(), 'session.json');
    writeFileSync(path, '{"__proto__":"own","constructor":{"prototype":{"polluted":true}}}');
    const storage = createFileStorage(path, { watch: false });
    expect(await storage.getItem('__proto__')).toBe('own');
    for (const key of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) expect(await storage.getItem(key)).toBeNull();
    await storage.setItem('constructor', 'c');
    await storage.setItem('__proto__', 'p');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(JSON.parse('{"__proto__":"p","constructor":"c"}'));
    expectPrototypeUntouched();
  });

  it('loses no key when two instances write the same file at once', async () => {
    const path = join(tempDirectory(), 'session.json');
    const one = createFileStorage(path, { watch: false });
    const two = createFileStorage(path, { watch: false });
    const keys = Array.from({ length: 12 }, (_, index) => `key-${index}`);
    await withinGenerousBound(
      Promise.all(keys.map((key, index) => (index % 2 === 0 ? one : two).setItem(key, `value-${index}`))),
      'concurrent writes',
    );
    expect(Object.keys(JSON.parse(readFileSync(path, 'utf8')) as object).sort()).toEqual([...keys].sort());
  });
});

/** Lease ttls a caller must not be able to pass: each is refused up front, typed. Past 2^31 - 1 ms (what a timer can wait) is absurd. */
const BAD_TTLS: unknown[] = [0, -1, Infinity, -Infinity, NaN, '5000', null, undefined, 2 ** 31, 1e20];
const LONGEST_TTL = 2 ** 31 - 1;

describe('leases under hostile ttl and release orders', () => {
  it('memory and file: refuse every ttl that is not a positive number up to 2^31 - 1, typed and not retryable; take 2^31 - 1 and fractions', async () => {
    const file = createFileStorage(join(tempDirectory(), 'session.json'), { watch: false });
    for (const [name, storage] of [['memory', createMemoryStorage()], ['file', file]] as const) {
      for (const ttl of BAD_TTLS) {
        const error = await storageRejection(storage.tryAcquireLease(`lease-${String(ttl)}`, ttl as number));
        expect(error).toMatchObject({ adapter: name, operation: 'tryAcquireLease', reason: 'failed', retryable: false });
      }
      for (const ttl of [LONGEST_TTL, 0.5]) {
        const lease = await storage.tryAcquireLease(`ok-${ttl}`, ttl);
        expect(lease).not.toBeNull();
        await lease!.release();
      }
    }
  });

  it('memory and file: a late release (twice, after expiry) never ends the successor lease', async () => {
    let now = NOW;
    const clock = () => now;
    const file = createFileStorage(join(tempDirectory(), 'session.json'), { watch: false, now: clock });
    for (const storage of [createMemoryStorage({ now: clock }), file]) {
      const first = await storage.tryAcquireLease('refresh', 1_000);
      expect(first).not.toBeNull();
      expect(await storage.tryAcquireLease('refresh', 1_000)).toBeNull();
      now += 1_001;
      const successor = await storage.tryAcquireLease('refresh', 1_000);
      expect(successor).not.toBeNull();
      await first!.release();
      await first!.release();
      expect(await storage.tryAcquireLease('refresh', 1_000)).toBeNull();
      await successor!.release();
      await successor!.release();
      const next = await storage.tryAcquireLease('refresh', 1_000);
      expect(next).not.toBeNull();
      await next!.release();
    }
  });
});

describe('a Web Storage stand-in answers prototype names and non-strings as absent', () => {
  it('reads constructor, __proto__ and a non-string value as null', async () => {
    const data: Record<string, unknown> = { weird: 42 };
    const stand: Storage = {
      length: 0,
      clear: () => undefined,
      key: () => null,
      getItem: (key: string) => data[key] as string | null,
      setItem: (key: string, value: string) => void Object.defineProperty(data, key, { value, enumerable: true, configurable: true, writable: true }),
      removeItem: (key: string) => void delete data[key],
    };
    const storage = createWebStorage(stand, { locks: null });
    for (const key of ['constructor', '__proto__', 'toString', 'weird']) expect(await storage.getItem(key)).toBeNull();
    await storage.setItem('__proto__', 'v');
    expect(await storage.getItem('__proto__')).toBe('v');
    expectPrototypeUntouched();
  });
});

describe('Redis holding what idpool did not write', () => {
  let server: RedisServer | undefined;
  let client: ReturnType<typeof createClient>;
  let storage: RedisStorage;

  beforeAll(async () => {
    server = await startRedisServer();
    client = createClient({ socket: { host: '127.0.0.1', port: server.port, reconnectStrategy: (retries) => (retries > 50 ? false : 50) } });
    client.on('error', () => undefined);
    await withinGenerousBound(client.connect(), 'redis-server to accept a connection');
    storage = createRedisStorage({ client, keyPrefix: 'attack:' });
  });
  afterAll(async () => {
    await storage?.close();
    await client?.close();
    await server?.stop();
  });

  it('rejects a read of a hash or a list at the key with a typed error quoting none of it; a write replaces it', async () => {
    await client.hSet('attack:hash', 'field', TOKEN);
    await client.rPush('attack:list', TOKEN);
    for (const key of ['hash', 'list']) {
      const error = await storageRejection(storage.getItem(key));
      expect(error).toMatchObject({ adapter: 'redis', operation: 'getItem' });
      expect(inspect(error, { depth: Infinity, showHidden: true })).not.toContain(TOKEN);
    }
    await storage.setItem('hash', 'v');
    expect(await storage.getItem('hash')).toBe('v');
  });

  it('a release after the lease key was deleted (or twice) never ends the successor lease', async () => {
    const first = await storage.tryAcquireLease('refresh', 60_000);
    expect(first).not.toBeNull();
    await client.del('attack:lease:refresh');
    const successor = await storage.tryAcquireLease('refresh', 60_000);
    expect(successor).not.toBeNull();
    await first!.release();
    await first!.release();
    expect(await client.exists('attack:lease:refresh')).toBe(1);
    await successor!.release();
    expect(await client.exists('attack:lease:refresh')).toBe(0);
  });

  it('review finding 10: refuses a ttl Redis cannot hold (1e20) up front like every adapter, not as the store being unavailable', async () => {
    const web = createWebStorage(mapWebStorage(), { locks: null });
    const file = createFileStorage(join(tempDirectory(), 'session.json'), { watch: false });
    for (const [adapter, adapterStorage] of [['redis', storage], ['memory', createMemoryStorage()], ['file', file], ['web', web]] as const) {
      for (const ttl of [1e20, LONGEST_TTL + 1]) {
        expect(await storageRejection(adapterStorage.tryAcquireLease('refresh-ttl', ttl))).toMatchObject({
          adapter,
          operation: 'tryAcquireLease',
          reason: 'failed',
          retryable: false,
        });
      }
    }
    await web.close();
  });

  it('refuses every ttl that is not a positive number up to 2^31 - 1, typed and not retryable, and takes 2^31 - 1', async () => {
    for (const ttl of BAD_TTLS) {
      expect(await storageRejection(storage.tryAcquireLease('ttl', ttl as number))).toMatchObject({
        adapter: 'redis',
        operation: 'tryAcquireLease',
        reason: 'failed',
        retryable: false,
      });
    }
    const lease = await storage.tryAcquireLease('ttl', LONGEST_TTL);
    expect(lease).not.toBeNull();
    await lease!.release();
  });
});
