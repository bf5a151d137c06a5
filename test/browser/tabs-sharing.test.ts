// Two tabs of one origin share a session through localStorage: storage events move the other
// tab, without a Cognito request of its own; a reload restores without one.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLocalIdentityPool, startLocalOidcIssuer, type LocalIdentityPool, type LocalOidcIssuer } from '../../src/local/index';
import { browserBundle } from '../support/browser-bundle';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
let browser: Browser | undefined;
let issuer: LocalOidcIssuer | undefined;
let pool: LocalIdentityPool | undefined;
let server: Server | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: this test needs it (apt-get install -y chromium; .ci/run installs it, or set CHROMIUM_PATH).`);
  }
  issuer = await startLocalOidcIssuer();
  pool = await startLocalIdentityPool({ providers: { [issuer.loginsKey]: { issuer: issuer.issuer } } });
  const script = await browserBundle({
    entryPoints: [fileURLToPath(new URL('./fixtures/tab-entry.ts', import.meta.url))],
  });
  server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/') return response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><script type="module" src="/tab.js"></script>');
    if (path === '/tab.js') return response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  server?.close();
  await pool?.close();
  await issuer?.close();
});

async function openTab(context: Awaited<ReturnType<Browser['newContext']>>): Promise<Page> {
  const page = await context.newPage();
  const query = new URLSearchParams({ endpoint: pool!.endpoint, identityPoolId: pool!.identityPoolId });
  await page.goto(`http://127.0.0.1:${(server!.address() as AddressInfo).port}/?${query}`);
  await page.waitForFunction(() => window.tab !== undefined && window.tab.state() !== 'restoring');
  return page;
}

it('federate in one tab → the other follows with no request of its own; clear follows too; a reload restores offline', async () => {
  const context = await browser!.newContext();
  try {
    const tabA = await openTab(context);
    const tabB = await openTab(context);
    pool!.resetStats();
    const token = await issuer!.mintToken({ sub: 'alice' });
    const identityId = await tabA.evaluate(([t, p]) => window.tab.federate(t!, p!), [token, issuer!.loginsKey]);
    await tabB.waitForFunction(() => window.tab.state() === 'federated');
    const followed = await tabB.evaluate(() => window.tab.fetch());
    const own = await tabA.evaluate(() => window.tab.fetch());
    expect(followed).toEqual(own);
    expect(followed.identityId).toBe(identityId);
    expect(pool!.stats().requests).toEqual({ GetId: 1, GetCredentialsForIdentity: 1 });

    await tabB.reload();
    await tabB.waitForFunction(() => window.tab !== undefined && window.tab.state() === 'federated');
    expect(await tabB.evaluate(() => window.tab.events())).toEqual(['sessionRestored']);
    expect(pool!.stats().requests).toEqual({ GetId: 1, GetCredentialsForIdentity: 1 });

    await tabA.evaluate(() => window.tab.clear());
    await tabB.waitForFunction(() => window.tab.state() === 'cleared');
    expect(await tabB.evaluate(() => window.tab.fetch())).toEqual({});
  } finally {
    await context.close();
  }
});
