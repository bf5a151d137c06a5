// The browser examples, bundled by examples/build.ts, in real Chromium against the local pool:
// sign in (a token from the issuer's /mint), force a refresh, clear.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exampleBuildOptions } from '../../examples/build';
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

/** Serves the example's index.html and its bundle, built in memory. */
async function serveExample(name: 'react' | 'vue' | 'svelte' | 'plain-dom'): Promise<Server> {
  const bundle = await build({ ...exampleBuildOptions(name), write: false, logLevel: 'silent' });
  const script = bundle.outputFiles[0]!.text;
  const html = await readFile(fileURLToPath(new URL(`../../examples/${name}/index.html`, import.meta.url)), 'utf8');
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/') return response.writeHead(200, { 'Content-Type': 'text/html' }).end(html);
    if (path === '/dist/main.js') return response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

it.each(['react', 'vue', 'svelte', 'plain-dom'] as const)('%s: sign in, force refresh, clear', async (name) => {
  const server = await serveExample(name);
  const page = await browser!.newPage();
  const logs: string[] = [];
  page.on('console', (message) => logs.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => logs.push(`pageerror: ${error.message}`));
  try {
    const query = new URLSearchParams({ endpoint: pool!.endpoint, identityPoolId: pool!.identityPoolId, issuer: issuer!.issuer });
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/?${query}`);
    const status = name === 'plain-dom' ? page.locator('#status') : page.getByTestId('status');
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
    server.close();
  }
});
