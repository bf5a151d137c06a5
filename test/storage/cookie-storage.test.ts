import { describe, expect, it } from 'vitest';
import { StorageError } from '../../src/errors/error-classes';
import { createCookieStorage } from '../../src/storage/cookie-storage';
import { describeStorageContract } from './storage-contract';
import { requestPair } from '../security/fixtures/cookie-request';

/** What a browser would send back: name=value of every cookie still alive, in order written. */
function browserCookieHeader(setCookies: string[]): string {
  const jar = new Map<string, string>();
  for (const line of setCookies) {
    const [pair = '', ...attributes] = line.split('; ');
    const separator = pair.indexOf('=');
    const name = pair.slice(0, separator);
    if (attributes.includes('Max-Age=0')) jar.delete(name);
    else jar.set(name, pair.slice(separator + 1));
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

describeStorageContract(
  'cookie storage',
  async () => {
    const { storage } = requestPair();
    return { storage, dispose: async () => {} };
  },
  { largeValueLength: 3_000 },
);

describe('createCookieStorage', () => {
  it('writes a Set-Cookie value with secure defaults', async () => {
    const { storage, written } = requestPair();
    await storage.setItem('idpool.session', '{"id":"us-east-1:abc"}');
    expect(written).toEqual([
      '__Host-idpool.session=%7B%22id%22%3A%22us-east-1%3Aabc%22%7D; Path=/; Secure; HttpOnly; SameSite=Lax',
    ]);
  });

  it('writes every configured attribute', async () => {
    const { storage, written } = requestPair(undefined, {
      path: '/app',
      domain: 'example.test',
      secure: false,
      sameSite: 'Strict',
      httpOnly: false,
      maxAgeSeconds: 3600,
    });
    await storage.setItem('k', 'v');
    await storage.removeItem('k');
    expect(written).toEqual([
      'k=v; Path=/app; Domain=example.test; Max-Age=3600; SameSite=Strict',
      'k=; Path=/app; Domain=example.test; Max-Age=0; SameSite=Strict',
    ]);
  });

  it('turns any key into a valid cookie name', async () => {
    const { storage, written } = requestPair();
    await storage.setItem('idpool:session/ü %;', 'x');
    const name = written[0]!.slice(0, written[0]!.indexOf('='));
    expect(name).toBe('__Host-idpool%3Asession%2F%C3%BC%20%25%3B');
    expect(name).toMatch(/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/);
  });

  it('reads keys from the request Cookie header, ignoring other cookies', async () => {
    const header = 'theme=dark; idpool%3Asession=%7B%22a%22%3A1%7D;other="quoted"; broken; q="%22hi%22"';
    const { storage } = requestPair(header, { secure: false });
    expect(await storage.getItem('idpool:session')).toBe('{"a":1}');
    expect(await storage.getItem('theme')).toBe('dark');
    expect(await storage.getItem('other')).toBe('quoted');
    expect(await storage.getItem('q')).toBe('"hi"');
    expect(await storage.getItem('broken')).toBeNull();
    expect(await storage.getItem('absent')).toBeNull();
  });

  it('hands back a value it did not encode as it is', async () => {
    const { storage } = requestPair('__Host-raw=100%');
    expect(await storage.getItem('raw')).toBe('100%');
  });

  it('reads its own writes and removals made earlier in the same request', async () => {
    const { storage, written } = requestPair('__Host-a=old; __Host-b=kept');
    await storage.setItem('a', 'new');
    await storage.removeItem('b');
    expect(await storage.getItem('a')).toBe('new');
    expect(await storage.getItem('b')).toBeNull();
    expect(written).toHaveLength(2);
  });

  it('round-trips through what a browser sends on the next request', async () => {
    const first = requestPair();
    const value = JSON.stringify({ identityId: 'us-east-1:😀', token: 'a.b.c', note: '; Path=/evil' });
    await first.storage.setItem('idpool:session', value);
    await first.storage.setItem('gone', 'x');
    await first.storage.removeItem('gone');
    const next = requestPair(browserCookieHeader(first.written));
    expect(await next.storage.getItem('idpool:session')).toBe(value);
    expect(await next.storage.getItem('gone')).toBeNull();
  });

  it('removes with Max-Age=0 and the same scope', async () => {
    const { storage, written } = requestPair('__Secure-k=v', { domain: 'example.test', maxAgeSeconds: 60 });
    await storage.removeItem('k');
    expect(written).toEqual(['__Secure-k=; Path=/; Domain=example.test; Max-Age=0; Secure; HttpOnly; SameSite=Lax']);
    expect(await storage.getItem('k')).toBeNull();
  });

  it('rejects a cookie over 4096 bytes serialized and writes nothing', async () => {
    const { storage, written } = requestPair('__Host-k=before');
    const fits = 'x'.repeat(4096 - '__Host-k='.length - '; Path=/; Secure; HttpOnly; SameSite=Lax'.length);
    await storage.setItem('k', fits);
    expect(new TextEncoder().encode(written[0]).length).toBe(4096);
    await expect(storage.setItem('k', `${fits}x`)).rejects.toThrow(/4097 bytes.*4096-byte limit/);
    await expect(storage.setItem('k', 'é'.repeat(700))).rejects.toMatchObject({ name: 'StorageError', reason: 'tooLarge' }); // 4200 bytes encoded
    expect(written).toHaveLength(1);
    expect(await storage.getItem('k')).toBe(fits);
  });

  it('keeps values out of the size error', async () => {
    const { storage } = requestPair();
    const secret = `secret-${'s'.repeat(5000)}`;
    const error = await storage.setItem('k', secret).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).not.toContain('secret');
  });

  it('rejects a value that is not well-formed Unicode', async () => {
    const { storage, written } = requestPair();
    await expect(storage.setItem('k', 'lone \ud800')).rejects.toThrow(StorageError);
    expect(written).toEqual([]);
  });

  it('surfaces a failing setCookie as a rejection and keeps the overlay unchanged', async () => {
    const storage = createCookieStorage({
      getCookieHeader: () => '__Host-k=v',
      setCookie: () => {
        throw new Error('headers already sent');
      },
    });
    const error = await storage.setItem('k', 'w').catch((e: unknown) => e as StorageError);
    expect(error).toMatchObject({ name: 'StorageError', adapter: 'cookie', operation: 'setItem' });
    expect(((error as StorageError).cause as Error).message).toBe('headers already sent');
    expect(await storage.getItem('k')).toBe('v');
  });

  it('has neither subscribe nor leases', () => {
    const { storage } = requestPair();
    expect(storage.subscribe).toBeUndefined();
    expect(storage.tryAcquireLease).toBeUndefined();
  });

  it('rejects wrong options with a TypeError naming the option', () => {
    const init = { getCookieHeader: () => undefined, setCookie: () => {} };
    expect(() => createCookieStorage({ ...init, options: { sameSite: 'None', secure: false } })).toThrow(/sameSite/);
    expect(() => createCookieStorage({ ...init, options: { path: 'app' } })).toThrow(/options\.path/);
    expect(() => createCookieStorage({ ...init, options: { path: '/a;b' } })).toThrow(/options\.path/);
    expect(() => createCookieStorage({ ...init, options: { domain: 'a b' } })).toThrow(/options\.domain/);
    expect(() => createCookieStorage({ ...init, options: { maxAgeSeconds: 1.5 } })).toThrow(/maxAgeSeconds/);
    expect(() => createCookieStorage({ ...init, options: { maxAgeSeconds: 0 } })).toThrow(/maxAgeSeconds/);
    expect(() =>
      createCookieStorage({ ...init, options: { sameSite: 'none' as unknown as 'None' } }),
    ).toThrow(/sameSite/);
    expect(() => createCookieStorage({ getCookieHeader: () => undefined } as never)).toThrow(/setCookie/);
  });
});
