// The web demo in real Chromium: sign in at the local issuer's login page, federate, force a
// refresh, clear; what the page shows at each step, and that no token or AWS secret reaches the
// DOM or the console.
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

it('signs in, federates, refreshes and clears, showing state, countdown and events, never a secret', async () => {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 600 } });
  const page = await context.newPage();
  const logs: string[] = [];
  page.on('console', (message) => logs.push(message.text()));
  page.on('pageerror', (error) => logs.push(`pageerror: ${error.message}`));
  const wire = collectSecrets(page);
  const contents: Record<string, string> = {};

  await page.goto(demo!.url);
  await page.waitForSelector('#status[data-state="signedOut"]');
  expect(await activeStates(page)).toEqual(['signedOut', 'signedOut.idle']);
  expect(await page.locator('#force-refresh').isDisabled()).toBe(true);

  // Sign in at the issuer's own login page; it redirects back with the id token in the fragment.
  await page.click('#start-sign-in');
  await page.waitForURL((url) => url.href.startsWith(`${demo!.issuer.issuer}/authorize?`));
  await page.fill('#username', 'alice');
  await page.click('#sign-in');
  await page.waitForSelector('#status[data-state="federated"]');
  expect(page.url()).toBe(demo!.url); // the fragment with the token is gone from the address bar
  const identityId = await text(page, '#identity-id');
  expect(identityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
  expect(await text(page, '#user')).toBe('alice');
  expect(await eventTypes(page)).toEqual(['federatedToIdentityPool']);
  expect(await text(page, '#event-log li')).toContain(identityId);
  expect(await activeStates(page)).toEqual(['federated', 'federated.idle']);
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
  contents.refreshed = await page.content();
  const screenshot = await page.screenshot();
  // The committed docs copy is refreshed on request only, so a test run leaves the tree clean.
  const targets = process.env['UPDATE_SCREENSHOTS'] === '1' ? ['docs/screenshots/web-demo.png', 'test-results/web-demo.png'] : ['test-results/web-demo.png'];
  for (const path of targets) {
    const file = fileURLToPath(new URL(path, root));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, screenshot);
  }

  await page.click('#clear');
  await page.waitForSelector('#status[data-state="cleared"]');
  expect(await text(page, '#identity-id')).toBe('—');
  expect(await text(page, '#expires-in')).toBe('—');
  expect(await eventTypes(page)).toEqual(['federationToIdentityPoolCleared', 'credentialsRefreshed', 'federatedToIdentityPool']);
  expect(await activeStates(page)).toEqual(['cleared']);
  expect(await page.locator('#error').innerText()).toBe('');
  contents.cleared = await page.content();

  await wire.settled();
  // One id token, and a secret key and session token from each of the two GetCredentialsForIdentity answers.
  expect(wire.secrets).toHaveLength(5);
  expectNoSecrets({ ...contents, console: logs.join('\n') }, wire.secrets);
  expect(logs.filter((line) => /error/i.test(line))).toEqual([]);
  await context.close();
});
