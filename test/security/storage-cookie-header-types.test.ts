// Review finding 5 (issue 11, finding 10): `getCookieHeader` is the app's callback; whatever it
// returns, the cookie adapter answers with a value or a typed StorageError, never a raw TypeError.
// An array (HTTP/2 cookie crumbs) is one header joined by "; ", so duplicates across it are tampering.
import { describe, expect, it } from 'vitest';
import { createCookieStorage } from '../../src/index';
import { storageRejection } from './fixtures/storage-rejection';

function storageReading(header: unknown) {
  return createCookieStorage({ getCookieHeader: () => header as string, setCookie: () => undefined });
}

describe('review finding 5: a Cookie header that is not a string', () => {
  it('treats two cookies of the name across an array of headers as tampering (was a raw TypeError)', async () => {
    const error = await storageRejection(storageReading(['__Host-k=a', '__Host-k=b']).getItem('k'));
    expect(error).toMatchObject({ adapter: 'cookie', operation: 'getItem', reason: 'tampered' });
  });

  it('reads one cookie out of an array of header crumbs, and null as no header', async () => {
    expect(await storageReading(['a=1', '__Host-k=v%20w']).getItem('k')).toBe('v w');
    expect(await storageReading(null).getItem('k')).toBeNull();
    expect(await storageReading([]).getItem('k')).toBeNull();
  });

  it('rejects any other kind of header with a StorageError naming its type, never its content', async () => {
    for (const header of [42, {}, { toString: () => '__Host-k=v' }, ['__Host-k=v', 7], Symbol('h'), () => '__Host-k=v']) {
      const error = await storageRejection(storageReading(header).getItem('k'));
      expect(error).toMatchObject({ adapter: 'cookie', operation: 'getItem', reason: 'failed', retryable: false });
      expect(error.message).not.toContain('__Host-k=v');
    }
  });

  it('rejects a write the same way when it reads the header first (unprefixed cookie to expire)', async () => {
    const error = await storageRejection(storageReading(42).setItem('k', 'v'));
    expect(error).toMatchObject({ adapter: 'cookie', operation: 'setItem', reason: 'failed' });
  });
});
