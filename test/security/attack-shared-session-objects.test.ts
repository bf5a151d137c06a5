import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngineStack, type EngineStack } from '../support/engine-stack';
import { browserBundle } from '../support/browser-bundle';

// Attacks on the cached fetchAuthSession(), which answers from the machine's snapshot without an
// event. The promises attacked: no caller can change what another caller gets, what it gets works
// where apps put it (the AWS SDK writes onto credentials, date libraries copy and set dates), and
// a call made after a clear or a federation is never answered from before it.

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function federated() {
  stack = await startEngineStack();
  const auth = stack.engine();
  await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
  return auth;
}

describe('one caller changing the expiration every other caller gets', () => {
  it("through Date.prototype's own setter", async () => {
    const auth = await federated();
    const mine = await auth.fetchAuthSession();
    const expiration = mine.credentials!.expiration.getTime();
    // Date's own setter, applied to what this caller got.
    Date.prototype.setTime.call(mine.credentials!.expiration, 0);
    const theirs = await auth.fetchAuthSession();
    expect(theirs.credentials!.expiration.getTime()).toBe(expiration);
  });
});

describe('the expiration and credentials where apps put them', () => {
  it('a date library that copies a date with its own constructor (date-fns v3/v4 toDate/constructFrom) can change the copy', async () => {
    const auth = await federated();
    const { credentials } = await auth.fetchAuthSession();
    // date-fns v3 `toDate`: `return new argument.constructor(+argument)`; then e.g. `addDays`
    // calls `_date.setDate(...)` and `startOfDay` calls `_date.setHours(0, 0, 0, 0)` on that copy.
    const toDate = (argument: Date): Date => new (argument.constructor as DateConstructor)(+argument);
    const addDays = (date: Date, amount: number): Date => {
      const copy = toDate(date);
      copy.setDate(copy.getDate() + amount);
      return copy;
    };
    const expiration = credentials!.expiration;
    expect(() => addDays(expiration, 1)).not.toThrow();
    expect(expiration.getTime()).toBe(credentials!.expiration.getTime());
  });

  it('`new STSClient({ credentials: session.credentials })` signs requests in a browser (the SDK\'s strict-mode ESM build)', async () => {
    stack = await startEngineStack();
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH).`);
    // A page as an app bundles it: idpool and the AWS SDK's browser build. The SDK tags a
    // credentials object the app passed with `$source` (setCredentialFeature) when it resolves it.
    const script = await browserBundle({
      stdin: {
        contents: `
          import { createAuth } from '../../src/index';
          import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
          const arn = async (credentials, region, endpoint) => {
            const sts = new STSClient({ region, endpoint, credentials, maxAttempts: 1 });
            try { return (await sts.send(new GetCallerIdentityCommand({}))).Arn; }
            catch (error) { return 'failed: ' + error.name + ': ' + error.message; }
            finally { sts.destroy(); }
          };
          window.run = async (identityPoolId, endpoint, region, token, provider) => {
            const auth = createAuth({ identityPoolId, endpoint });
            await auth.federateToIdentityPool({ token, provider });
            const session = await auth.fetchAuthSession();
            return { copy: await arn({ ...session.credentials }, region, endpoint), shared: await arn(session.credentials, region, endpoint) };
          };`,
        resolveDir: fileURLToPath(new URL('.', import.meta.url)),
        loader: 'ts',
      },
    });
    const server = createServer((request, response) => {
      if (request.url === '/app.js') return response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
      return response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><script type="module" src="/app.js"></script>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await page.waitForFunction(() => (window as unknown as { run?: unknown }).run !== undefined);
      const token = await stack.issuer.mintToken({ sub: 'alice' });
      const { pool, issuer } = stack;
      const result = await page.evaluate(
        ([id, endpoint, region, t, provider]) =>
          (window as unknown as { run: (...a: string[]) => Promise<{ copy: string; shared: string }> }).run(id!, endpoint!, region!, t!, provider!),
        [pool.identityPoolId, pool.endpoint, pool.region, token, issuer.loginsKey],
      );
      // Control: an unfrozen copy of the very same credentials signs fine.
      expect(result.copy).toMatch(/assumed-role/);
      // What the app got from fetchAuthSession, passed as it is.
      expect(result.shared).toMatch(/assumed-role/);
    } finally {
      await browser.close();
      server.close();
    }
  });
});

describe('a cached call made after a clear or a new federation was asked for', () => {
  it('clearFederationToIdentityPool() then fetchAuthSession(): the second call, made after the clear, gets nothing from before it', async () => {
    const auth = await federated();
    await auth.fetchAuthSession();
    const clearing = auth.clearFederationToIdentityPool();
    const after = auth.fetchAuthSession();
    await clearing;
    const session = await after;
    expect(session.credentials).toBeUndefined();
  });

  it("federateToIdentityPool(bob) then fetchAuthSession(): the later caller is not handed alice's session (the chart makes a FETCH during a federation wait for it)", async () => {
    const auth = await federated();
    const alice = await auth.fetchAuthSession();
    const federating = auth.federateToIdentityPool({ token: await stack!.issuer.mintToken({ sub: 'bob' }), provider: stack!.issuer.loginsKey });
    const after = auth.fetchAuthSession();
    const bob = await federating;
    const session = await after;
    expect(session.identityId).not.toBe(alice.identityId);
    expect(session.identityId).toBe(bob.identityId);
  });
});

describe('a hostile clock on the cached path', () => {
  it('NaN and ±Infinity give no synchronous throw, and a clock that comes back past the expiry never gets the expired credentials', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 900 });
    const clock = stack.clock;
    let reading: () => number = () => clock.now();
    const auth = stack.engine({ clock: { now: () => reading(), setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout } });
    await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: stack.issuer.loginsKey });
    const cached = await auth.fetchAuthSession();
    for (const odd of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      reading = () => odd;
      let pending: Promise<unknown> | undefined;
      expect(() => (pending = auth.fetchAuthSession())).not.toThrow();
      await pending!.catch(() => undefined);
    }
    // Back to a finite reading, past the expiry, with no event in between.
    const snapshot = auth.actor.getSnapshot();
    reading = () => cached.credentials!.expiration.getTime() + 1;
    expect(auth.actor.getSnapshot()).toBe(snapshot);
    const next = await auth.fetchAuthSession();
    expect(next.credentials?.accessKeyId).not.toBe(cached.credentials!.accessKeyId);
  });
});
