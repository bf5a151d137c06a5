// Browsers that run the smoke page: Debian's Chromium through playwright-core (on 127.0.0.1, a
// secure context, and on a plain-http host name, which is not one: no crypto.randomUUID, no Web
// Locks), and Debian's Firefox ESR through puppeteer-core over WebDriver BiDi (playwright-core
// drives only its own Firefox build).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import type { RuntimeResult } from './server-runtimes';
import type { SmokeConfig, SmokeReport } from './smoke/run-smoke';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const FIREFOX = process.env['FIREFOX_PATH'] ?? '/usr/bin/firefox-esr';
/** A name that is not loopback to the browser (so not a secure context), mapped to 127.0.0.1 by Chromium's resolver. */
export const INSECURE_HOST = 'idpool-smoke.test';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

export interface BrowserRuntime {
  id: string;
  name: string;
  /** Debian's browsers follow Debian's updates; their version is not pinned. */
  pinned: false;
  how: string;
  run(config: SmokeConfig, pageUrl: (host: string) => string): Promise<RuntimeResult>;
}

function requireBinary(path: string, what: string): void {
  if (!existsSync(path)) throw new Error(`${what} not found at ${path}: apt-get install -y ${what} (.ci/run installs it).`);
}

/** Serves the smoke page and its bundle on 127.0.0.1; `close` ends it. */
export async function serveSmokePage(bundle: string): Promise<{ server: Server; port: number }> {
  const script = await readFile(bundle);
  const html = '<!doctype html><meta charset="utf-8"><title>idpool smoke</title><script type="module" src="/smoke.mjs"></script>';
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/') return response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
    if (path === '/smoke.mjs') return response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

type SmokeWindow = { runSmoke?: (config: SmokeConfig) => Promise<SmokeReport> };

function chromiumRuntime(id: string, name: string, host: string, how: string): BrowserRuntime {
  return {
    id,
    name,
    pinned: false,
    how,
    async run(config, pageUrl) {
      requireBinary(CHROMIUM, 'chromium');
      const args = host === INSECURE_HOST ? [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`] : CHROMIUM_ARGS;
      const browser = await chromium.launch({ executablePath: CHROMIUM, args });
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        await page.goto(pageUrl(host));
        await page.waitForFunction(() => typeof (window as SmokeWindow).runSmoke === 'function');
        const report = await page.evaluate((smoke) => (window as SmokeWindow).runSmoke!(smoke), config);
        return { report, version: browser.version(), stderr: errors.join('\n') };
      } finally {
        await browser.close();
      }
    },
  };
}

const firefoxRuntime: BrowserRuntime = {
  id: 'firefox',
  name: 'Firefox ESR (Debian)',
  pinned: false,
  how: 'a page on `http://127.0.0.1`, driven over WebDriver BiDi',
  async run(config, pageUrl) {
    requireBinary(FIREFOX, 'firefox-esr');
    const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, protocol: 'webDriverBiDi' });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error: unknown) => errors.push(error instanceof Error ? error.message : String(error)));
      await page.goto(pageUrl('127.0.0.1'));
      await page.waitForFunction(() => typeof (window as SmokeWindow).runSmoke === 'function');
      const report = await page.evaluate((smoke) => (window as SmokeWindow).runSmoke!(smoke), config);
      const version = (await browser.version()).replace(/^firefox\//i, '');
      return { report, version, stderr: errors.join('\n') };
    } finally {
      await browser.close();
    }
  },
};

export function browserRuntimes(): BrowserRuntime[] {
  return [
    chromiumRuntime('chromium', 'Chromium (Debian)', '127.0.0.1', 'a page on `http://127.0.0.1`'),
    chromiumRuntime('chromium-insecure', 'Chromium (Debian), not a secure context', INSECURE_HOST, `a page on \`http://${INSECURE_HOST}\``),
    firefoxRuntime,
  ];
}
