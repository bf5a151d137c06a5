// The browser examples, served as `npm run example -- <name>` serves them (examples/serve-example.ts),
// in real Chromium against the local pool: sign in (a token from the issuer's /mint), force a
// refresh, clear.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { browserExamples, startExample } from '../../examples/serve-example';
import { startLocalIdentityPool, startLocalOidcIssuer, type LocalIdentityPool, type LocalOidcIssuer } from '../../src/local/index';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let browser: Browser | undefined;
let issuer: LocalOidcIssuer | undefined;
let pool: LocalIdentityPool | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: the browser examples test needs it (apt-get install -y chromium; .ci/run installs it, or set CHROMIUM_PATH).`);
  }
  issuer = await startLocalOidcIssuer();
  pool = await startLocalIdentityPool({ providers: { [issuer.loginsKey]: { issuer: issuer.issuer, audience: issuer.audience } } });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await pool?.close();
  await issuer?.close();
});

it.each(browserExamples)('%s: sign in, force refresh, clear', async (name) => {
  const served = await startExample(name, { local: { pool: pool!, issuer: issuer! } });
  const page = await browser!.newPage();
  const logs: string[] = [];
  page.on('console', (message) => logs.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => logs.push(`pageerror: ${error.message}`));
  try {
    await page.goto(served.url);
    const status = name === 'plain-dom' || name === 'rxjs' ? page.locator('#status') : page.getByTestId('status');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Force refresh' }).waitFor();
    expect(await status.innerText()).toBe('federated');
    expect(await page.locator('body').innerText()).toMatch(/Identity: us-east-1:[0-9a-f-]{36}/);
    const before = pool!.stats().requests.GetCredentialsForIdentity ?? 0;
    await page.getByRole('button', { name: 'Force refresh' }).click();
    await expect.poll(() => pool!.stats().requests.GetCredentialsForIdentity).toBe(before + 1);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await status.innerText()).toBe('cleared');
    expect(await page.locator('body').innerText()).toContain('Identity: —');
    expect(logs).toEqual([]);
  } finally {
    await page.close();
    await served.close();
  }
});
