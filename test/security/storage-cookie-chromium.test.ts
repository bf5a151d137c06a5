// Issue 11, findings 10 and 14, in a real browser: the cookie adapter over `document.cookie`
// (verifyWrites) rejects with a StorageError when a record does not fit or the browser refuses
// the cookie, instead of resolving while the browser silently keeps the previous user's record;
// two cookies of one name are tampering; `__Host-` cookies are what Chromium keeps.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ChromiumStoragePage, startChromiumStoragePage } from './fixtures/chromium-storage-page';

const PAGE = `<!doctype html><meta charset="utf-8"><title>idpool cookies</title>
<script src="/storage.js"></script>
<script>
  window.openCookies = (options) => idpoolStorage.createCookieStorage({
    getCookieHeader: () => document.cookie,
    setCookie: (cookie) => { document.cookie = cookie; },
    options: { httpOnly: false, ...options },
    verifyWrites: true,
  });
  window.outcome = async (run) => {
    try {
      return { ok: true, value: await run() };
    } catch (error) {
      return { ok: false, name: error.name, adapter: error.adapter, operation: error.operation, reason: error.reason, message: error.message };
    }
  };
</script>`;

type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; name: string; adapter?: string; operation?: string; reason?: string; message: string };

interface CookieStore {
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
  removeItem(key: string): Promise<void>;
}
type PageWindow = {
  openCookies(options?: Record<string, unknown>): CookieStore;
  outcome(run: () => Promise<unknown>): Promise<Outcome>;
};

let chromiumPage: ChromiumStoragePage;
let origin: string;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  chromiumPage = await startChromiumStoragePage(PAGE);
  origin = `http://localhost:${chromiumPage.port}`;
});

afterAll(async () => {
  await chromiumPage?.close();
});

beforeEach(async () => {
  context = await chromiumPage.browser.newContext();
  page = await context.newPage();
  await page.goto(`${origin}/app/`);
});

afterEach(async () => {
  await context.close();
});

function run(script: (win: PageWindow, arg: string) => Promise<unknown>, arg = ''): Promise<Outcome> {
  return page.evaluate(
    ([source, a]) => {
      const win = window as unknown as PageWindow;
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      const fn = new Function('win', 'arg', `return (${source})(win, arg);`) as (w: PageWindow, a: string) => Promise<unknown>;
      return win.outcome(() => fn(win, a));
    },
    [script.toString(), arg] as const,
  );
}

describe('cookie storage on document.cookie in Chromium', () => {
  it('writes a __Host- cookie the browser keeps, and reads it back', async () => {
    const outcome = await run(async (win) => {
      const store = win.openCookies();
      await store.setItem('idpool.session', '{"identityId":"us-east-1:abc"}');
      return [document.cookie, await store.getItem('idpool.session')];
    });
    expect(outcome).toEqual({
      ok: true,
      value: ['__Host-idpool.session=%7B%22identityId%22%3A%22us-east-1%3Aabc%22%7D', '{"identityId":"us-east-1:abc"}'],
    });
  });

  it('rejects a record that does not fit with StorageError (tooLarge) and keeps nothing new', async () => {
    const outcome = await run(async (win, big) => {
      const store = win.openCookies();
      await store.setItem('k', 'before');
      try {
        await store.setItem('k', big);
      } finally {
        // What the page still holds after the failed write.
        (win as unknown as { after: string | null }).after = await store.getItem('k');
      }
      return null;
    }, 'x'.repeat(5000));
    expect(outcome).toMatchObject({ ok: false, name: 'StorageError', adapter: 'cookie', operation: 'setItem', reason: 'tooLarge' });
    expect(await page.evaluate(() => (window as unknown as { after: string | null }).after)).toBe('before');
  });

  it('rejects a cookie the browser refuses (read back) instead of resolving', async () => {
    // A Domain the page is not on: Chromium drops the cookie without a word.
    const outcome = await run(async (win) => win.openCookies({ domain: 'elsewhere.example' }).setItem('k', 'v'));
    expect(outcome).toMatchObject({ ok: false, name: 'StorageError', adapter: 'cookie', operation: 'setItem', reason: 'failed' });
    expect(await page.evaluate(() => document.cookie)).toBe('');
  });

  it('treats two cookies of one name (a deeper path planted one) as tampering', async () => {
    const outcome = await run(async (win) => {
      const store = win.openCookies({ secure: false });
      await store.setItem('k', 'victim');
      document.cookie = 'k=attacker; Path=/app';
      return store.getItem('k');
    });
    expect(outcome).toMatchObject({ ok: false, name: 'StorageError', operation: 'getItem', reason: 'tampered' });
    expect(await page.evaluate(() => document.cookie)).toBe('k=attacker; k=victim');
  });

  it('a deeper path cannot plant a __Host- cookie', async () => {
    const outcome = await run(async (win) => {
      const store = win.openCookies();
      await store.setItem('k', 'victim');
      document.cookie = '__Host-k=attacker; Path=/app; Secure';
      return store.getItem('k');
    });
    expect(outcome).toEqual({ ok: true, value: 'victim' });
  });
});
