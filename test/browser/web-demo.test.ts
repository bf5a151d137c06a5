// The web demo in real Chromium: sign in at the local issuer's login page, federate, force a
// refresh, reload (the session comes back from localStorage, with a visible "restored"), clear;
// state names a person reads beside the machine's own; a layout that holds from 1280 px down to
// 360 px with an event log whose parts never overlap; no token or AWS secret in the DOM or the
// console. Screenshots at both widths go to test-results/, and to docs/screenshots/ with
// UPDATE_SCREENSHOTS=1 (they show ids and times, so a run would otherwise always change them).
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWebDemo, type WebDemo } from '../../examples/web/demo-server';
import { expectNoSecrets } from '../support/secret-scan';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = new URL('../../', import.meta.url);

let demo: WebDemo | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: the web demo test needs it (apt-get install -y chromium; .ci/run installs it, or set CHROMIUM_PATH).`);
  }
  [demo, browser] = await Promise.all([
    startWebDemo({ credentialsTtlSeconds: 60 }),
    chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
    }),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

/** Secrets as the pool and issuer handed them to the page, read off the wire. */
function collectSecrets(page: Page): { secrets: string[]; settled: () => Promise<void> } {
  const secrets: string[] = [];
  const pending: Promise<void>[] = [];
  const read = async (response: Response): Promise<void> => {
    const location = response.headers()['location'];
    if (location?.includes('#id_token=')) secrets.push(new URLSearchParams(new URL(location).hash.slice(1)).get('id_token') ?? '');
    const target = (await response.request().allHeaders())['x-amz-target'];
    if (target === 'AWSCognitoIdentityService.GetCredentialsForIdentity' && response.ok()) {
      const { Credentials } = (await response.json()) as { Credentials: { SecretKey: string; SessionToken: string } };
      secrets.push(Credentials.SecretKey, Credentials.SessionToken);
    }
  };
  page.on('response', (response) => pending.push(read(response)));
  return { secrets, settled: async () => void (await Promise.all(pending)) };
}

const text = (page: Page, selector: string): Promise<string> => page.locator(selector).innerText();
const eventTypes = (page: Page): Promise<string[]> =>
  page.locator('#event-log li').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.type ?? ''));
const activeStates = (page: Page): Promise<string[]> =>
  page.locator('#state-chart li.active').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.state ?? ''));
const secondsLeft = async (page: Page): Promise<number> => Number((await text(page, '#expires-in')).replace(/\s*s$/, ''));

async function saveScreenshot(page: Page, name: string, fullPage: boolean): Promise<void> {
  const screenshot = await page.screenshot({ fullPage });
  const targets = process.env['UPDATE_SCREENSHOTS'] === '1' ? [`docs/screenshots/${name}`, `test-results/${name}`] : [`test-results/${name}`];
  for (const path of targets) {
    const file = fileURLToPath(new URL(path, root));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, screenshot);
  }
}

/** Sign in at the issuer's own login page; it redirects back with the id token in the fragment. */
async function signIn(page: Page, username: string): Promise<string> {
  await page.goto(demo!.url);
  await page.waitForSelector('#status[data-state="signedOut"]');
  await page.click('#start-sign-in');
  await page.waitForURL((url) => url.href.startsWith(`${demo!.issuer.issuer}/authorize?`));
  await page.fill('#username', username);
  await page.click('#sign-in');
  await page.waitForSelector('#status[data-state="federated"]');
  return text(page, '#identity-id');
}

/** What lies outside the viewport's width, and any two parts of one event-log row that overlap. */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width) problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    for (const element of document.querySelectorAll<HTMLElement>('main *')) {
      const box = element.getBoundingClientRect();
      if (box.width > 0 && (box.right > width + 0.5 || box.left < -0.5)) problems.push(`${element.tagName}#${element.id} spills over the edge`);
    }
    // Where each part's text really is (line by line, overflow included), not the boxes that hold it.
    const textRects = (element: Element): DOMRect[] => {
      const range = document.createRange();
      range.selectNodeContents(element);
      return [...range.getClientRects()].filter((rect) => rect.width > 0);
    };
    const overlap = (a: DOMRect, b: DOMRect): boolean => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
    for (const row of document.querySelectorAll<HTMLElement>('#event-log li')) {
      const parts = [...row.children].map(textRects);
      parts.forEach((a, i) =>
        parts.slice(i + 1).forEach((b) => {
          if (a.some((rectA) => b.some((rectB) => overlap(rectA, rectB)))) problems.push(`event-log row ${row.dataset.type} overlaps itself`);
        }),
      );
    }
    return problems;
  });
}

it('signs in, refreshes, keeps the session across a reload, clears; never a secret in the page', async () => {
  demo!.pool.resetStats();
  const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const logs: string[] = [];
  page.on('console', (message) => logs.push(message.text()));
  page.on('pageerror', (error) => logs.push(`pageerror: ${error.message}`));
  const wire = collectSecrets(page);
  const contents: Record<string, string> = {};

  await page.goto(demo!.url);
  await page.waitForSelector('#status[data-state="signedOut"]');
  expect(await text(page, '#state-human')).toBe('Signed out');
  expect(await activeStates(page)).toEqual(['signedOut', 'signedOut.idle']);
  expect(await page.locator('#force-refresh').isDisabled()).toBe(true);
  expect(await page.locator('#restored').isVisible()).toBe(false);

  const identityId = await signIn(page, 'alice');
  expect(page.url()).toBe(demo!.url); // the fragment with the token is gone from the address bar
  expect(identityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
  expect(await text(page, '#user')).toBe('alice');
  expect([await text(page, '#state-human'), await text(page, '#status')]).toEqual(['Signed in', 'federated']);
  expect(await eventTypes(page)).toEqual(['federatedToIdentityPool']);
  expect(await text(page, '#event-log li')).toContain(identityId);
  expect(await activeStates(page)).toEqual(['federated', 'federated.idle']);
  expect(await text(page, '#state-chart li[data-state="federated"] > .human')).toBe('Signed in');
  expect(await text(page, '#state-chart li[data-state="refreshing.backingOff"]')).toBe('waiting to retry backingOff');
  const first = await secondsLeft(page);
  expect(first).toBeGreaterThan(30);
  expect(first).toBeLessThanOrEqual(60);
  await page.waitForFunction((start) => Number(document.getElementById('expires-in')?.textContent?.replace(/\s*s$/, '')) < start, first);
  contents.federated = await page.content();

  await page.click('#force-refresh');
  await page.waitForSelector('#event-log li[data-type="credentialsRefreshed"]');
  await page.waitForSelector('#status[data-state="federated"]');
  expect(await eventTypes(page)).toEqual(['credentialsRefreshed', 'federatedToIdentityPool']);
  expect(await text(page, '#identity-id')).toBe(identityId);
  expect(demo!.pool.stats().requests).toMatchObject({ GetId: 1, GetCredentialsForIdentity: 2 });
  expect(await layoutProblems(page)).toEqual([]);
  contents.refreshed = await page.content();

  // A reload: the session comes back from localStorage, with no sign-in and no GetId.
  await page.reload();
  await page.waitForSelector('#status[data-state="federated"]');
  await page.waitForSelector('#restored', { state: 'visible' });
  expect(await text(page, '#identity-id')).toBe(identityId);
  expect(await text(page, '#user')).toBe('alice');
  expect((await eventTypes(page)).at(-1)).toBe('sessionRestored');
  expect(await text(page, '#event-log li[data-type="sessionRestored"]')).toContain('Session restored from storage');
  expect(demo!.pool.stats().requests.GetId).toBe(1);
  expect(await layoutProblems(page)).toEqual([]);
  contents.restored = await page.content();
  await saveScreenshot(page, 'web-demo-1280.png', false);

  await page.click('#clear');
  await page.waitForSelector('#status[data-state="cleared"]');
  expect(await text(page, '#identity-id')).toBe('—');
  expect(await text(page, '#expires-in')).toBe('—');
  expect(await text(page, '#state-human')).toBe('Signed out (cleared)');
  expect(await page.locator('#restored').isVisible()).toBe(false);
  expect(await eventTypes(page)).toContain('federationToIdentityPoolCleared');
  expect(await activeStates(page)).toEqual(['cleared']);
  expect(await page.locator('#error').innerText()).toBe('');
  contents.cleared = await page.content();

  // Cleared stays cleared across a reload: nothing to restore.
  await page.reload();
  await page.waitForSelector('#status:is([data-state="signedOut"], [data-state="cleared"])');
  expect(await eventTypes(page)).not.toContain('sessionRestored');
  expect(await page.locator('#restored').isVisible()).toBe(false);
  contents.afterClear = await page.content();
  contents.localStorage = await page.evaluate(() => JSON.stringify({ ...localStorage }));

  await wire.settled();
  // One id token, and a secret key and session token from each GetCredentialsForIdentity answer.
  expect(wire.secrets.length).toBeGreaterThanOrEqual(7);
  const { localStorage: stored, ...page_ } = contents;
  expectNoSecrets({ ...page_, console: logs.join('\n') }, wire.secrets);
  // localStorage held the id token while signed in (persistCredentials is off: never AWS secrets); after the clear, nothing.
  expectNoSecrets({ localStorage: stored! }, wire.secrets);
  expect(logs.filter((line) => /error/i.test(line))).toEqual([]);
  await context.close();
});

it('holds its layout at 360 px: one column, nothing spilling over, event-log rows that do not overlap', async () => {
  const context = await browser!.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await signIn(page, 'a-rather-long-user-name-that-must-wrap');
  await page.click('#force-refresh');
  await page.waitForSelector('#event-log li[data-type="credentialsRefreshed"]');
  await page.waitForSelector('#status[data-state="federated"]');
  expect(await layoutProblems(page)).toEqual([]);
  // The state chart sits below the session, not beside it.
  const session = await page.locator('section.session').boundingBox();
  const chart = await page.locator('#state-chart').boundingBox();
  expect(chart!.y).toBeGreaterThan(session!.y + session!.height - 1);
  await saveScreenshot(page, 'web-demo-360.png', true);
  await context.close();
});

it('the layout check sees an overlap when there is one', async () => {
  const context = await browser!.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await page.goto(demo!.url);
  await page.waitForSelector('#status[data-state="signedOut"]');
  // The old fixed three-column rows, which overlapped at narrow widths.
  await page.addStyleTag({ content: '#event-log li { display: grid !important; grid-template-columns: 5.5rem 13.5rem 1fr !important; }' });
  await page.evaluate(() => {
    const item = document.createElement('li');
    item.dataset.type = 'federationToIdentityPool_failure';
    item.innerHTML = '<time>10:00:00</time><strong>federationToIdentityPool_failure</strong><span>us-east-1:00000000-0000-4000-8000-000000000000</span>';
    document.getElementById('event-log')!.append(item);
  });
  expect((await layoutProblems(page)).length).toBeGreaterThan(0);
  await context.close();
});
