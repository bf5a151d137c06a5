// Issue 11, finding 10 (adapter side) — review findings 1–4: a backend error kept as a
// StorageError's `cause` must never carry the value written, wherever in the error it hides:
// AggregateError.errors, a cause more than 8 links down, an Error inside a plain object, a
// non-enumerable or symbol-keyed property, a Map, a buffer, a URI-encoded or JSON-escaped copy.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createCookieStorage, createWebStorage, StorageError } from '../../src/index';
import { storageRejection } from './fixtures/storage-rejection';
import { throwEveryTrap } from './fixtures/throw-every-trap';

/** Everything `console.error(error)` could print, the whole cause chain and hidden fields included. */
function fullRendering(error: unknown): string {
  return inspect(error, { depth: Infinity, showHidden: true, maxArrayLength: Infinity, maxStringLength: Infinity });
}

/** A Web Storage whose `setItem` throws what `fail(value)` builds: a backend quoting the value. */
function storageThrowing(fail: (value: string) => unknown): Storage {
  return {
    length: 0,
    clear: () => undefined,
    key: () => null,
    getItem: () => null,
    removeItem: () => undefined,
    setItem: (_key: string, value: string) => {
      throw fail(value);
    },
  };
}

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ2aWN0aW0ifQ.c2lnbmF0dXJlLW9mLXRoZS12aWN0aW0';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const RECORD = JSON.stringify({ version: 1, writer: 'w', updatedAt: 1, login: { loginsKey: 'issuer.example', token: TOKEN, source: 'app' } });

async function causeOfWebWrite(fail: (value: string) => unknown, value = RECORD): Promise<StorageError> {
  const storage = createWebStorage(storageThrowing(fail), { locks: null });
  const error = await storageRejection(storage.setItem('k', value));
  await storage.close();
  return error;
}

function expectWithheld(error: StorageError, ...secrets: string[]): void {
  const rendered = fullRendering(error);
  for (const secret of secrets) expect(rendered).not.toContain(secret);
  expect(error.cause).toBeInstanceOf(Error);
  expect((error.cause as Error).message).toMatch(/withheld/);
}

describe('review finding 1: a record quoted inside AggregateError.errors (non-enumerable, not JSON) is withheld', () => {
  it('withholds an AggregateError whose inner error quotes the record', async () => {
    // Node's own connect errors are AggregateErrors (happy eyeballs); a client may quote its command in them.
    const error = await causeOfWebWrite((value) => new AggregateError([new Error(`backend refused ${value}`)], 'write failed'));
    expectWithheld(error, TOKEN);
    expect((error.cause as Error).name).toBe('AggregateError');
  });
});

describe('review finding 2: a record quoted more than 8 links down the cause chain is withheld', () => {
  it('withholds a cause quoting the token 10 links down', async () => {
    const error = await causeOfWebWrite((value) => {
      let chain = new Error(`backend refused ${value}`);
      for (let link = 0; link < 9; link += 1) chain = new Error(`layer ${link}`, { cause: chain });
      return chain;
    });
    expectWithheld(error, TOKEN);
  });

  it('withholds a cause too big to check (a chain of 200,000 links) instead of passing it through', async () => {
    const error = await causeOfWebWrite(() => {
      let chain: { cause?: unknown } = { cause: 'the end' };
      for (let link = 0; link < 200_000; link += 1) chain = { cause: chain };
      return chain;
    });
    expect((error.cause as Error).message).toMatch(/withheld because it was too large to check/);
  });

  it('keeps a copy of a clean cause (name, message, code), cycles included, never the original', async () => {
    const thrown = Object.assign(new Error('disk full'), { code: 'ENOSPC' });
    (thrown as { cause?: unknown }).cause = thrown;
    const error = await causeOfWebWrite(() => thrown);
    expect(error.cause).not.toBe(thrown);
    expect(error.cause).toMatchObject({ name: 'Error', message: 'disk full', code: 'ENOSPC' });
  });
});

describe('review finding 3: a record quoted by an Error inside a plain-object cause is withheld', () => {
  it('withholds { detail: new Error(value) } (JSON.stringify of an Error is "{}")', async () => {
    const error = await causeOfWebWrite((value) => ({ detail: new Error(`backend refused ${value}`) }));
    expectWithheld(error, TOKEN);
    expect((error.cause as Error).name).toBe('Object');
  });

  it('withholds the token wherever else inspect could find it', async () => {
    const hiding: Array<[string, (value: string) => unknown]> = [
      ['a non-enumerable property', () => Object.defineProperty(new Error('failed'), 'command', { value: ['SET', 'k', TOKEN], enumerable: false })],
      ['a symbol-keyed property', () => Object.assign(new Error('failed'), { [Symbol('args')]: TOKEN })],
      ['a symbol description', () => Object.assign(new Error('failed'), { tag: Symbol(TOKEN) })],
      ['a property name', () => Object.assign(new Error('failed'), { [TOKEN]: true })],
      ['a Map entry', () => Object.assign(new Error('failed'), { sent: new Map([['token', TOKEN]]) })],
      ['a Set entry', () => Object.assign(new Error('failed'), { sent: new Set([TOKEN]) })],
      ['a buffer', (value) => Object.assign(new Error('failed'), { body: new TextEncoder().encode(value) })],
      ['a prototype getter', () => new (class extends Error {
        override get message(): string {
          return `refused ${TOKEN}`;
        }
      })()],
      ['the error name', () => Object.assign(new Error('failed'), { name: TOKEN })],
      ['a thrown string', (value) => `refused ${value}`],
    ];
    for (const [where, fail] of hiding) {
      const error = await causeOfWebWrite(fail);
      expect({ where, leaked: fullRendering(error).includes(TOKEN) }).toEqual({ where, leaked: false });
      expect((error.cause as Error).message).toMatch(/withheld/);
    }
  });

  it('withholds a StorageError thrown by the backend when it quotes the value', async () => {
    const error = await causeOfWebWrite(
      (value) => new StorageError(`refused ${value}`, { adapter: 'web', operation: 'setItem', reason: 'failed', retryable: false, recoverySuggestion: '' }),
    );
    expectWithheld(error, TOKEN);
  });

  it('never keeps a Proxy, whose target util.inspect prints whatever its traps answer', async () => {
    const hiding = new Proxy(
      { command: ['SET', 'k', TOKEN] },
      { get: (_target, key) => (key === 'message' ? 'failed' : undefined), ownKeys: () => [], getOwnPropertyDescriptor: () => undefined },
    );
    const error = await causeOfWebWrite(() => hiding);
    expect(fullRendering(error)).not.toContain(TOKEN);
    expect(error.cause).toMatchObject({ message: 'failed' });
  });

  it('survives a Proxy whose every trap throws', async () => {
    const hostile = new Proxy({}, throwEveryTrap);
    const error = await causeOfWebWrite(() => hostile);
    expect(error).toMatchObject({ adapter: 'web', operation: 'setItem' });
  });
});

describe('review finding 4: a value quoted URI-encoded or JSON-escaped is withheld', () => {
  it('cookie: withholds an AWS secret key when setCookie quotes the serialized (URI-encoded) cookie', async () => {
    // AWS secret keys hold "/" and "+": in the cookie they read "%2F" and "%2B".
    const record = JSON.stringify({ version: 1, credentials: { secretAccessKey: SECRET_KEY } });
    const storage = createCookieStorage({
      getCookieHeader: () => undefined,
      setCookie: (serialized) => {
        throw new TypeError(`Invalid Set-Cookie header: ${serialized}`);
      },
    });
    const error = await storageRejection(storage.setItem('k', record));
    expectWithheld(error, encodeURIComponent(SECRET_KEY), SECRET_KEY);
  });

  it('withholds a value quoted JSON-escaped in a JSON body', async () => {
    const value = `line one\nline "two" ${'x'.repeat(8)}`;
    const error = await causeOfWebWrite((written) => new Error(`rejected body ${JSON.stringify({ value: written })}`), value);
    expectWithheld(error, JSON.stringify(value).slice(1, -1));
  });
});
