// The fetch transport where it is meant to run: a page in Chromium calling the local identity
// pool on another origin (CORS preflight, exposed headers), beside the SDK's own browser build.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalIdentityPool, startLocalOidcIssuer, type LocalIdentityPool, type LocalOidcIssuer } from '../../src/local/index';
import { until } from '../support/generous-bound';
import type { PageError, PageOutcome } from './fixtures/transport-page';
import { answer, json, startHostileServer, type HostileServer } from './hostile-server';
import { browserBundle } from '../support/browser-bundle';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const NOW = Date.UTC(2030, 0, 15, 12, 0, 0, 250);
const atSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

let browser: Browser;
let page: Page;
let issuer: LocalOidcIssuer;
let pool: LocalIdentityPool;
let hostile: HostileServer;
let site: Server;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: this test needs it (apt-get install -y chromium; .ci/run installs it, or set CHROMIUM_PATH).`);
  }
  issuer = await startLocalOidcIssuer({ now: () => NOW });
  pool = await startLocalIdentityPool({ now: () => NOW, allowUnauthenticated: true, providers: { [issuer.loginsKey]: { issuer: issuer.issuer, audience: issuer.audience } } });
  hostile = await startHostileServer();
  const script = await browserBundle({
    entryPoints: [fileURLToPath(new URL('./fixtures/transport-page.ts', import.meta.url))],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  site = createServer((request, response) => {
    if (request.url === '/page.js') return response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    return response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><script type="module" src="/page.js"></script>');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
  page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => window.transportPage !== undefined);
});

afterAll(async () => {
  await browser?.close();
  site?.close();
  await hostile?.close();
  await pool?.close();
  await issuer?.close();
});

const viaTransport = (endpoint: string, operation: string, input: Record<string, unknown>, callId = ''): Promise<PageOutcome> =>
  page.evaluate(([e, o, i, c]) => window.transportPage.viaTransport(e as string, o as 'GetId', i as never, c as string), [endpoint, operation, input, callId] as const);
const viaSdk = (endpoint: string, operation: 'GetId' | 'GetCredentialsForIdentity', input: Record<string, unknown>): Promise<PageOutcome> =>
  page.evaluate(([e, o, i]) => window.transportPage.viaSdk(e as string, o as 'GetId', i as Record<string, unknown>), [endpoint, operation, input] as const);

function errorOf(outcome: PageOutcome): PageError {
  if (!('error' in outcome)) throw new Error(`expected an error, got ${JSON.stringify(outcome)}`);
  return outcome.error;
}

/** A hostile script that answers a CORS preflight as Cognito does, so the browser lets the page see its answer. */
function withCors(script: Parameters<HostileServer['route']>[1]): Parameters<HostileServer['route']>[1] {
  return (req, res, exchange) => {
    res.setHeader('access-control-allow-origin', '*');
    if (req.method !== 'OPTIONS') return script(req, res, exchange);
    res.writeHead(204, { 'access-control-allow-methods': 'POST', 'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*' });
    res.end();
  };
}

describe('the fetch transport in Chromium, across origins', () => {
  it('GetId and GetCredentialsForIdentity pass the preflight, and the exposed Date header gives serverDate', async () => {
    const Logins = { [issuer.loginsKey]: await issuer.mintToken({ sub: 'alice' }) };
    const id = await viaTransport(pool.endpoint, 'GetId', { IdentityPoolId: pool.identityPoolId, Logins });
    expect(id).toEqual({ output: { IdentityId: expect.any(String) }, serverDate: atSecond(NOW) });
    const IdentityId = (id as { output: { IdentityId: string } }).output.IdentityId;
    const credentials = await viaTransport(pool.endpoint, 'GetCredentialsForIdentity', { IdentityId, Logins });
    expect(credentials).toMatchObject({ output: { IdentityId, Credentials: { Expiration: new Date(atSecond(NOW + 3_600_000)).toISOString() } } });
    // The SDK's browser build finds the same identity.
    expect(await viaSdk(pool.endpoint, 'GetId', { IdentityPoolId: pool.identityPoolId, Logins })).toMatchObject({ output: { IdentityId } });
  });

  it("a Cognito error is readable across origins and maps as the SDK's browser build maps it", async () => {
    pool.injectFault({ op: 'GetId', kind: 'throttle', times: 2 });
    const viaFetch = errorOf(await viaTransport(pool.endpoint, 'GetId', { IdentityPoolId: pool.identityPoolId }));
    const reference = errorOf(await viaSdk(pool.endpoint, 'GetId', { IdentityPoolId: pool.identityPoolId }));
    expect(viaFetch).toEqual({ name: 'TooManyRequestsException', message: 'Rate exceeded', httpStatusCode: 400, authError: { code: 'TooManyRequestsException', retryable: true, message: 'Rate exceeded' } });
    expect(viaFetch).toEqual(reference);
  });

  it("an endpoint that cannot be reached: the browser's TypeError, mapped as the SDK's browser build's", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const viaFetch = errorOf(await viaTransport(endpoint, 'GetId', { IdentityPoolId: pool.identityPoolId }));
    const reference = errorOf(await viaSdk(endpoint, 'GetId', { IdentityPoolId: pool.identityPoolId }));
    expect(viaFetch.name).toBe('TypeError');
    expect(viaFetch.httpStatusCode).toBeUndefined();
    expect(viaFetch.message).toBe('Failed to fetch');
    // Chromium's wording is a network failure: retryable, as Node's "fetch failed" is.
    expect(viaFetch.authError).toMatchObject({ code: 'NetworkError', retryable: true });
    expect(viaFetch).toEqual(reference);
  });

  it('an abort while the pool holds the request: AbortError', async () => {
    pool.injectFault({ op: 'GetId', kind: 'latency', delayMs: 600_000 });
    const outcome = viaTransport(pool.endpoint, 'GetId', { IdentityPoolId: pool.identityPoolId }, 'held');
    await until(() => pool.stats().inFlight.GetId === 1, 'the pool to hold the request');
    await page.evaluate(() => window.transportPage.abort('held'));
    expect(errorOf(await outcome)).toMatchObject({ name: 'AbortError', authError: { code: 'AbortError', retryable: false } });
    await until(() => pool.stats().inFlight.GetId === 0, 'the pool to see the connection close');
  });

  it('a redirect is not followed: the page rejects, and the Logins never reach the other origin', async () => {
    const sink = hostile.route('browser-sink', withCors(json(200, { IdentityId: 'us-east-1:stolen' })));
    const endpoint = hostile.route('browser-redirect', withCors(answer(307, '', { location: `${sink}/` })));
    const Logins = { 'graph.facebook.com': 'opaque-provider-token-0123456789abcdef' };
    const viaFetch = errorOf(await viaTransport(endpoint, 'GetId', { IdentityPoolId: pool.identityPoolId, Logins }));
    expect(viaFetch.authError.code).toBe('UnknownException');
    expect(hostile.exchanges('browser-sink').filter((exchange) => exchange.request.method === 'POST')).toHaveLength(0);
    expect(hostile.exchanges('browser-redirect').filter((exchange) => exchange.request.method === 'POST')).toHaveLength(1);
  });
});
