// Issue 11, finding 14 (cookies) and finding 10 (cookie adapter): two cookies with the session's
// name used to resolve to the first (an attacker's, planted by a sibling subdomain or a deeper
// path); the cookie had no browser-enforced prefix; a record over 4 KB was refused with a plain
// RangeError. Now: duplicates are tampering (restore nothing, report), secure cookies carry the
// `__Host-` prefix, and every failure is a typed StorageError.
import { afterEach, describe, expect, it } from 'vitest';
import { createCookieStorage, type KeyValueStorage } from '../../src/index';
import { startEngineStack, untilIdle, type EngineStack } from '../support/engine-stack';
import { requestPair } from './fixtures/cookie-request';
import { storageRejection } from './fixtures/storage-rejection';

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** One browser's cookie jar: name → value, as a browser sends it back (host-only, path /). */
function jarStorage(jar: Map<string, string>): KeyValueStorage {
  return createCookieStorage({
    getCookieHeader: () => [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
    setCookie: (serialized) => {
      const pair = serialized.slice(0, serialized.indexOf(';'));
      const name = pair.slice(0, pair.indexOf('='));
      if (/; Max-Age=0(;|$)/.test(serialized)) jar.delete(name);
      else jar.set(name, pair.slice(pair.indexOf('=') + 1));
    },
  });
}

describe('finding 14: duplicate session cookies are tampering', () => {
  it('rejects getItem with reason tampered and quotes neither value', async () => {
    const { storage } = requestPair('__Host-k=attacker-record-value; theme=dark; __Host-k=victim-record-value');
    const error = await storageRejection(storage.getItem('k'));
    expect(error).toMatchObject({ name: 'StorageError', adapter: 'cookie', operation: 'getItem', reason: 'tampered' });
    expect(error.message).not.toMatch(/attacker|victim/);
    expect(await storage.getItem('theme')).toBeNull(); // unprefixed: not ours
  });

  it('makes the engine restore neither session: sessionRestore_failure, signed out, nothing served', async () => {
    stack = await startEngineStack();
    const jar = new Map<string, string>();
    const attackerJar = new Map<string, string>();
    const victim = stack.engine({ storage: jarStorage(jar) });
    await victim.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'victim' }), provider: stack.issuer.loginsKey });
    const attacker = stack.engine({ storage: jarStorage(attackerJar) });
    await attacker.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'attacker' }), provider: stack.issuer.loginsKey });
    await victim.stop();
    await attacker.stop();
    const [[name, victimValue]] = [...jar] as [[string, string]];
    expect(name).toMatch(/^__Host-idpool\.default\./);
    // The attacker's own valid record, sent first as a cookie of a deeper path would be.
    const header = `${name}=${attackerJar.get(name)!}; ${name}=${victimValue}`;
    stack.events.length = 0;
    stack.pool.resetStats();

    const next = stack.engine({ storage: requestPair(header).storage });
    await untilIdle(next);
    expect(next.actor.getSnapshot().matches('signedOut')).toBe(true);
    // The failed read is reported (as a restore failure or a storage failure: the engine's choice)…
    const failures = stack.events.filter((event) => event.type === 'sessionRestore_failure' || event.type === 'sessionStorage_failure');
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) expect(failure).toMatchObject({ error: { name: 'StorageError' } });
    // …and neither user's session is restored or served.
    expect(stack.events.map((event) => event.type)).not.toContain('sessionRestored');
    expect(await next.fetchAuthSession()).toEqual({});
    expect(stack.pool.stats().requests).toEqual({});
  });
});

describe('finding 14: cookie prefixes', () => {
  it('names a Secure, Path=/, host-only cookie with the __Host- prefix by default', async () => {
    const { storage, written } = requestPair();
    await storage.setItem('idpool.session', 'v');
    await storage.removeItem('idpool.session');
    expect(written).toEqual([
      '__Host-idpool.session=v; Path=/; Secure; HttpOnly; SameSite=Lax',
      '__Host-idpool.session=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax',
    ]);
  });

  it('uses __Secure- where __Host- is not allowed, and no prefix without Secure', async () => {
    const scoped = requestPair(undefined, { domain: 'example.test' });
    await scoped.storage.setItem('k', 'v');
    const deeper = requestPair(undefined, { path: '/app' });
    await deeper.storage.setItem('k', 'v');
    const plain = requestPair(undefined, { secure: false });
    await plain.storage.setItem('k', 'v');
    expect([scoped.written[0], deeper.written[0], plain.written[0]]).toEqual([
      '__Secure-k=v; Path=/; Domain=example.test; Secure; HttpOnly; SameSite=Lax',
      '__Secure-k=v; Path=/app; Secure; HttpOnly; SameSite=Lax',
      'k=v; Path=/; HttpOnly; SameSite=Lax',
    ]);
  });

  it('ignores an unprefixed cookie (anyone can plant one) unless migrateUnprefixed is set', async () => {
    expect(await requestPair('k=planted').storage.getItem('k')).toBeNull();
    expect(await requestPair('k=old', { migrateUnprefixed: true }).storage.getItem('k')).toBe('old');
    // The prefixed cookie wins over a legacy one; duplicate legacy cookies are tampering too.
    expect(await requestPair('k=old; __Host-k=new', { migrateUnprefixed: true }).storage.getItem('k')).toBe('new');
    const error = await storageRejection(requestPair('k=a; k=b', { migrateUnprefixed: true }).storage.getItem('k'));
    expect(error.reason).toBe('tampered');
  });

  it('expires the unprefixed cookie once when writing or removing the key', async () => {
    const { storage, written } = requestPair('k=old', { migrateUnprefixed: true });
    await storage.setItem('k', 'new');
    await storage.setItem('k', 'newer');
    expect(written).toEqual([
      '__Host-k=new; Path=/; Secure; HttpOnly; SameSite=Lax',
      'k=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax',
      '__Host-k=newer; Path=/; Secure; HttpOnly; SameSite=Lax',
    ]);
    expect(await storage.getItem('k')).toBe('newer');
  });
});

describe('finding 10: the cookie adapter fails loudly with StorageError', () => {
  it('rejects a record that does not fit (reason tooLarge), writes nothing, keeps the record out', async () => {
    const { storage, written } = requestPair('__Host-k=before');
    const record = JSON.stringify({ token: `secret-token-${'s'.repeat(5000)}` });
    const error = await storageRejection(storage.setItem('k', record));
    expect(error).toMatchObject({ name: 'StorageError', adapter: 'cookie', operation: 'setItem', reason: 'tooLarge' });
    expect(error.message).toMatch(/too large/);
    expect(error.message).not.toContain('secret');
    expect(error.cause).toBeUndefined();
    expect(written).toEqual([]);
    expect(await storage.getItem('k')).toBe('before');
  });

  it('wraps a failing setCookie and a failing getCookieHeader, never quoting the value', async () => {
    const storage = createCookieStorage({
      getCookieHeader: () => {
        throw new Error('no request');
      },
      setCookie: (serialized) => {
        throw new Error(`headers already sent, could not add ${serialized}`);
      },
      options: { secure: false },
    });
    const read = await storageRejection(storage.getItem('k'));
    expect(read).toMatchObject({ adapter: 'cookie', operation: 'getItem' });
    expect((read.cause as Error).message).toBe('no request');
    const write = await storageRejection(storage.setItem('k', 'secret-record-value'));
    expect(write).toMatchObject({ adapter: 'cookie', operation: 'setItem' });
    const chain = JSON.stringify([write.message, (write.cause as Error).message, (write.cause as Error).stack]);
    expect(chain).not.toContain('secret-record-value');
    expect(chain).not.toContain('secret-record');
  });

  it('rejects a value that is not well-formed Unicode with a StorageError', async () => {
    const { storage, written } = requestPair();
    const error = await storageRejection(storage.setItem('k', 'lone \ud800'));
    expect(error).toMatchObject({ adapter: 'cookie', operation: 'setItem' });
    expect(written).toEqual([]);
  });
});
