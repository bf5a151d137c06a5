import { afterEach, describe, expect, it } from 'vitest';
import { createCookieStorage, createMemoryStorage, type Auth, type AuthEvent, type KeyValueStorage } from '../../src/index';
import { sessionKey } from '../../src/session/session-store';
import { startEngineStack, untilState, type EngineStack } from '../support/engine-stack';
import { SlowStorage } from '../sessions/slow-storage';
import { storageRejection } from './fixtures/storage-rejection';

// Issue 11, finding 10: a failed storage write was swallowed. A cookie record over 4 KB was
// not written, federateToIdentityPool resolved, and the next request restored the *previous*
// user. After any failed write, storage never holds a session older than the one in memory,
// the app hears of it (`sessionStorage_failure`), and the write-through calls reject with a
// StorageError (the rule is in docs/sessions.md).

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

function token(user: string, claims: Record<string, unknown> = {}): Promise<string> {
  return stack!.issuer.mintToken({ sub: user, ...claims });
}

async function storedIdentity(storage: KeyValueStorage): Promise<string | undefined> {
  const text = await storage.getItem(sessionKey('default', stack!.pool.identityPoolId));
  return text === null ? undefined : (JSON.parse(text) as { identityId?: string }).identityId;
}

function failures(events: AuthEvent[]) {
  return events.filter((event) => event.type === 'sessionStorage_failure');
}

/** A fresh stack and an engine over storage the test can make fail, federated as alice. */
async function aliceFederated() {
  const current = await startEngineStack();
  stack = current;
  const storage = new SlowStorage(createMemoryStorage());
  const auth = current.engine({ storage });
  const alice = await auth.federateToIdentityPool({ token: await token('alice'), provider: current.issuer.loginsKey });
  return { stack: current, storage, auth, alice };
}

describe('a failed write of a new federation', () => {
  it('removes the previous user from storage, emits sessionStorage_failure and rejects federate with StorageError; the new session is served', async () => {
    const { stack, storage, auth, alice } = await aliceFederated();
    expect(await storedIdentity(storage)).toBe(alice.identityId);

    storage.fail('setItem');
    const bobToken = await token('bob');
    const error = await storageRejection(auth.federateToIdentityPool({ token: bobToken, provider: stack.issuer.loginsKey }));
    expect(error).toMatchObject({ name: 'StorageError', operation: 'setItem', adapter: 'custom' });
    expect((error as Error).message).toMatch(/not (saved|persisted)/);
    const [event] = failures(stack.events);
    expect(event).toMatchObject({ type: 'sessionStorage_failure', adapter: 'custom', operation: 'setItem', error: { name: 'StorageError' } });
    expect(JSON.stringify(stack.events)).not.toContain(bobToken);

    // Storage holds nothing older than the session in memory.
    expect(await storedIdentity(storage)).toBeUndefined();
    const served = await auth.fetchAuthSession();
    expect(served.identityId).not.toBe(alice.identityId);
    expect(served.credentials).toBeDefined();

    // The next start does not bring alice back.
    storage.fail('setItem', undefined);
    await auth.stop();
    const next = stack.engine({ storage });
    await untilState(next, 'signedOut');
    expect((await next.fetchAuthSession()).identityId).toBeUndefined();
  });

  it('says so when the stale record can be neither removed nor overwritten', async () => {
    const { stack, storage, auth } = await aliceFederated();
    storage.fail('setItem');
    storage.fail('removeItem');
    const error = await storageRejection(auth.federateToIdentityPool({ token: await token('bob'), provider: stack.issuer.loginsKey }));
    expect((error as Error).message).toMatch(/previous session .*could not be removed/);
    expect(failures(stack.events).map((event) => event.type === 'sessionStorage_failure' && event.operation)).toEqual(['setItem', 'removeItem', 'setItem']);
  });
});

describe('a failed removal on clear', () => {
  it('overwrites the record so the cleared session is not restorable, and clear resolves', async () => {
    const { stack, storage, auth } = await aliceFederated();
    storage.fail('removeItem');
    await auth.clearFederationToIdentityPool();
    expect(await storedIdentity(storage)).toBeUndefined();
    expect(failures(stack.events)).toEqual([expect.objectContaining({ operation: 'removeItem' })]);
    storage.fail('removeItem', undefined);
    await auth.stop();
    const next = stack.engine({ storage });
    await untilState(next, 'signedOut');
    expect((await next.fetchAuthSession()).identityId).toBeUndefined();
  });

  it('rejects with StorageError when neither removal nor overwrite works; the engine itself stays cleared', async () => {
    const { stack, storage, auth } = await aliceFederated();
    storage.fail('removeItem');
    storage.fail('setItem');
    const error = await storageRejection(auth.clearFederationToIdentityPool());
    expect((error as Error).message).toMatch(/could not be removed/);
    expect(auth.actor.getSnapshot().value).toBe('cleared');
    expect((await auth.fetchAuthSession()).credentials).toBeUndefined();
  });
});

describe('the cookie adapter, over 4 KB, through the public API', () => {
  it('rejects federate with StorageError (cookie, setItem), removes the previous user\'s cookie, and the next request restores nobody', async () => {
    stack = await startEngineStack();
    const jar = new Map<string, string>();
    /** One request: the engine reads the jar's cookies and its Set-Cookie headers update the jar. */
    const request = (): { storage: KeyValueStorage; auth: Auth } => {
      const header = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
      const storage = createCookieStorage({
        getCookieHeader: () => header || undefined,
        setCookie: (cookie) => {
          const [pair = '', ...attributes] = cookie.split('; ');
          const eq = pair.indexOf('=');
          const name = pair.slice(0, eq);
          if (attributes.some((attribute) => attribute === 'Max-Age=0')) jar.delete(name);
          else jar.set(name, pair.slice(eq + 1));
        },
        options: { secure: false },
      });
      return { storage, auth: stack!.engine({ storage }) };
    };

    const first = request();
    const alice = await first.auth.federateToIdentityPool({ token: await token('alice'), provider: stack.issuer.loginsKey });
    await first.auth.stop();
    expect(jar.size).toBeGreaterThan(0);

    const second = request();
    await untilState(second.auth, 'federated');
    const error = await storageRejection(
      second.auth.federateToIdentityPool({ token: await token('bob', { padding: 'x'.repeat(5_000) }), provider: stack.issuer.loginsKey }),
    );
    expect(error).toMatchObject({ operation: 'setItem', adapter: 'cookie' });
    expect(failures(stack.events)[0]).toMatchObject({ adapter: 'cookie', operation: 'setItem' });
    await second.auth.stop();

    const third = request();
    await untilState(third.auth, 'signedOut');
    const session = await third.auth.fetchAuthSession();
    expect(session.identityId).not.toBe(alice.identityId);
    expect(session.credentials).toBeUndefined();
  });
});
