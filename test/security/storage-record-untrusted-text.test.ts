// Review finding 6 (issue 11, finding 13): a stored record is untrusted text. Its `version` is
// named in the error only when it is a finite number, and a record longer than any valid one
// (MAX_RECORD_LENGTH) is refused before JSON.parse looks at it.
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/index';
import { decodeSessionRecord, InvalidSessionRecord, MAX_RECORD_LENGTH } from '../../src/session/session-record';
import { startEngineStack, untilIdle, type EngineStack } from '../support/engine-stack';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ2aWN0aW0ifQ.c2lnbmF0dXJlLW9mLXRoZS12aWN0aW0';

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

function decodeError(text: string): InvalidSessionRecord {
  try {
    decodeSessionRecord(text);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidSessionRecord);
    return error as InvalidSessionRecord;
  }
  throw new Error('expected InvalidSessionRecord');
}

describe('review finding 6: the stored version field is not quoted into errors and events', () => {
  it('sessionRestore_failure no longer quotes a string "version" field of the record (unbounded)', async () => {
    stack = await startEngineStack();
    const storage = createMemoryStorage();
    const key = `idpool.default.${stack.pool.identityPoolId}.session`;
    await storage.setItem(key, JSON.stringify({ version: `${TOKEN}${'x'.repeat(100_000)}`, writer: 'w', updatedAt: 1 }));
    const auth = stack.engine({ storage });
    await untilIdle(auth);
    const failure = stack.events.find((event) => event.type === 'sessionRestore_failure');
    expect(failure).toBeDefined();
    const rendered = JSON.stringify(failure);
    expect(rendered).not.toContain(TOKEN);
    expect(rendered.length).toBeLessThan(2_000);
  });

  it('names a finite numeric version, and any other as "of another type"', () => {
    expect(decodeError(JSON.stringify({ version: 2, writer: 'w', updatedAt: 1 })).message).toContain('version 2,');
    for (const version of [TOKEN, { token: TOKEN }, [TOKEN], true, null, '1', 1e400]) {
      const message = decodeError(`{"version":${version === 1e400 ? '1e400' : JSON.stringify(version)},"writer":"w","updatedAt":1}`).message;
      expect(message).toContain('version of another type');
      expect(message).not.toContain(TOKEN);
    }
  });
});

describe('a record longer than any valid one is refused before it is parsed', () => {
  it('refuses a record over MAX_RECORD_LENGTH (valid JSON padded with an unknown field) naming the bound only', () => {
    const padded = JSON.stringify({ version: 1, writer: 'w', updatedAt: 1, pad: `${TOKEN}${'x'.repeat(MAX_RECORD_LENGTH)}` });
    const error = decodeError(padded);
    expect(error.message).toContain(String(MAX_RECORD_LENGTH));
    expect(error.message).not.toContain(TOKEN);
    // Just under the bound, the same record decodes: the bound is on length, not content.
    const under = JSON.stringify({ version: 1, writer: 'w', updatedAt: 1, pad: 'x'.repeat(MAX_RECORD_LENGTH - 100) });
    expect(decodeSessionRecord(under).record.writer).toBe('w');
  });

  it('refuses a stored value that is not text', () => {
    for (const value of [42, null, { version: 1 }, ['{}']]) {
      expect(() => decodeSessionRecord(value as unknown as string)).toThrow(InvalidSessionRecord);
    }
  });
});
