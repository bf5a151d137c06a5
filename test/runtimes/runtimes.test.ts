// The runtime smoke: the same program — federate → cached fetch → refresh → clear → stop — on
// Node 20, 22 and 24, Bun, Deno, Cloudflare's workerd, Chromium (secure and insecure context) and
// Firefox, against one local identity pool and issuer served from this process. Each runtime is a
// row of docs/runtimes.md; the last test checks the committed page against this run (or writes it
// with IDPOOL_UPDATE_DOCS=1).
import type { Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalIdentityPool, startLocalOidcIssuer, type LocalIdentityPool, type LocalOidcIssuer } from '../../src/local/index';
import { browserRuntimes, INSECURE_HOST, serveSmokePage } from './browser-runtimes';
import { comparable, renderRuntimesDoc, type RuntimeRow } from './runtime-table';
import { serverRuntimes, type RuntimeResult } from './server-runtimes';
import { bundleSmoke } from './smoke-bundles';
import type { SmokeConfig } from './smoke/run-smoke';

const DOC = fileURLToPath(new URL('../../docs/runtimes.md', import.meta.url));
const EVENTS = ['federatedToIdentityPool', 'credentialsRefreshed', 'federationToIdentityPoolCleared'];

let workspace: string;
let issuer: LocalOidcIssuer;
let pool: LocalIdentityPool;
let bundles: { server: string; worker: string; browser: string };
let page: { server: Server; port: number } | undefined;
const rows = new Map<string, RuntimeRow>();

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'idpool-runtimes-'));
  issuer = await startLocalOidcIssuer({ allowedHosts: [INSECURE_HOST] });
  pool = await startLocalIdentityPool({
    allowedHosts: [INSECURE_HOST],
    providers: { [issuer.loginsKey]: { issuer: issuer.issuer, audience: issuer.audience } },
  });
  const [server, worker, browser] = await Promise.all([bundleSmoke('server', workspace), bundleSmoke('worker', workspace), bundleSmoke('browser', workspace)]);
  bundles = { server, worker, browser };
  page = await serveSmokePage(browser);
});

afterAll(async () => {
  page?.server.close();
  page?.server.closeAllConnections();
  await pool?.close();
  await issuer?.close();
  if (workspace !== undefined) await rm(workspace, { recursive: true, force: true });
});

const configFor = (id: string): SmokeConfig => ({ identityPoolId: pool.identityPoolId, endpoint: pool.endpoint, issuer: issuer.issuer, sub: `smoke-${id}` });

/** Checks one runtime's run and keeps it as a row of the table. */
function record(id: string, name: string, pinned: boolean, how: string, result: RuntimeResult): void {
  const { report, version, exited } = result;
  rows.set(id, { name, version, pinned, how, report, exited });
  expect(report.steps, `${name}: ${result.stderr}`).toEqual({
    federate: { ok: true, detail: expect.any(String) },
    cachedFetch: { ok: true, detail: expect.any(String) },
    refresh: { ok: true, detail: expect.any(String) },
    clear: { ok: true, detail: expect.any(String) },
  });
  expect(report.events).toEqual(EVENTS);
  // One GetId; GetCredentialsForIdentity for the federation and the forced refresh, none for the cached fetch.
  expect(pool.stats().requests).toEqual({ GetId: 1, GetCredentialsForIdentity: 2 });
  if (exited !== undefined) expect(exited, `${name}: the process was still running after auth.stop()`).toBe(true);
}

describe.each(serverRuntimes())('$name', (runtime) => {
  it('federates, serves the cache, refreshes, clears, and the process ends', async () => {
    pool.resetStats();
    const result = await runtime.run(configFor(runtime.id), bundles, workspace);
    record(runtime.id, runtime.name, runtime.pinned, runtime.how, result);
    // Nothing on stderr: no warning from idpool's own code paths (workerd logs its test runner there).
    if (runtime.id !== 'workerd') expect(result.stderr).toBe('');
  });
});

describe.each(browserRuntimes())('$name', (runtime) => {
  it('federates, serves the cache, refreshes and clears', async () => {
    pool.resetStats();
    const result = await runtime.run(configFor(runtime.id), (host) => `http://${host}:${page!.port}/`);
    record(runtime.id, runtime.name, runtime.pinned, runtime.how, result);
    expect(result.stderr).toBe(''); // no page errors
  });
});

it('the pages run where they should: a plain-http host name is not a secure context', () => {
  expect(rows.get('chromium')?.report.apis).toEqual({ randomUUID: true, BroadcastChannel: true, webLocks: true, localStorage: true });
  expect(rows.get('chromium-insecure')?.report.apis).toMatchObject({ randomUUID: false, webLocks: false, localStorage: true });
  expect(rows.get('workerd')?.report.apis).toMatchObject({ BroadcastChannel: false, localStorage: false });
});

it('docs/runtimes.md is the table of this run', async () => {
  const order = [...serverRuntimes(), ...browserRuntimes()].map((runtime) => runtime.id);
  expect([...rows.keys()].sort(), 'every runtime ran').toEqual([...order].sort());
  const generated = renderRuntimesDoc(order.map((id) => rows.get(id)!));
  if (process.env['IDPOOL_UPDATE_DOCS'] === '1') await writeFile(DOC, generated);
  const committed = await readFile(DOC, 'utf8').catch(() => '');
  if (comparable(committed) !== comparable(generated)) {
    throw new Error('docs/runtimes.md does not match this run: run `IDPOOL_UPDATE_DOCS=1 npx vitest run test/runtimes` and commit the result.');
  }
});
