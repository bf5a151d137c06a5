// A Node process that uses idpool can end: a script that federates and never calls auth.stop()
// exits by itself (idpool's refresh timer does not hold the process open), while a process that
// lives on still gets its refresh; and nothing idpool does on its own prints the AWS SDK's
// NodeVersionSupportWarning into the app's stderr. On this machine's Node and on Node 22 and 24.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLocalIdentityPool, startLocalOidcIssuer, type LocalIdentityPool, type LocalOidcIssuer } from '../../src/local/index';
import { binaryPath } from './server-runtimes';

// Only a process that never ends reaches these: a run takes a second or two (the refresh one a few).
const EXIT_BOUND_MS = 60_000;
// Short-lived credentials: idpool refreshes at half their life, two seconds after they arrive.
const CREDENTIALS_TTL_S = 4;

let workspace: string;
let script: string;
let issuer: LocalOidcIssuer;
let pool: LocalIdentityPool;

const nodes: Array<[string, () => string]> = [
  [`Node ${process.versions.node}`, () => process.execPath],
  ['Node 22', () => binaryPath('node22/bin/node')],
  ['Node 24', () => binaryPath('node24/bin/node')],
];

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'idpool-process-'));
  script = join(workspace, 'app.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('process/app-script.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile: script,
    alias: { idpool: fileURLToPath(new URL('../../src/index.ts', import.meta.url)) },
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  issuer = await startLocalOidcIssuer();
  pool = await startLocalIdentityPool({
    credentialsTtlSeconds: CREDENTIALS_TTL_S,
    providers: { [issuer.loginsKey]: { issuer: issuer.issuer, audience: issuer.audience } },
  });
});

afterAll(async () => {
  await pool?.close();
  await issuer?.close();
  if (workspace !== undefined) await rm(workspace, { recursive: true, force: true });
});

interface AppRun {
  stdout: string;
  stderr: string;
  /** Whether it ended by itself; false: still running EXIT_BOUND_MS after its last milestone, and killed. */
  exited: boolean;
}

/** Runs the app as a user would (`node app.mjs`), with the environment of an app: no test settings. */
function runApp(node: string, config: Record<string, unknown>): Promise<AppRun> {
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' };
  const args = [script, JSON.stringify({ identityPoolId: pool.identityPoolId, endpoint: pool.endpoint, issuer: issuer.issuer, ...config })];
  return new Promise((resolve, reject) => {
    const child = spawn(node, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    let bound = setTimeout(() => ((killed = true), child.kill('SIGKILL')), EXIT_BOUND_MS * 2);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // Each milestone restarts the bound: from here on the app has nothing left to do.
      clearTimeout(bound);
      bound = setTimeout(() => ((killed = true), child.kill('SIGKILL')), EXIT_BOUND_MS);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(bound);
      if (!killed && code !== 0) reject(new Error(`The app failed (exit ${String(code)}): ${stderr}`));
      else resolve({ stdout, stderr, exited: !killed });
    });
  });
}

it.each(nodes)('%s: a script that federates and never calls auth.stop() exits by itself', async (_name, node) => {
  const run = await runApp(node(), { mode: 'no-stop' });
  expect(run.stdout).toBe('federated\n');
  expect(run.exited, 'still running after federating: something idpool started keeps the process alive').toBe(true);
  expect(run.stderr).toBe('');
});

it.each(nodes)('%s: while the process lives, the refresh still happens', async (_name, node) => {
  pool.resetStats();
  // The refresh is due two seconds after the credentials arrive; the app keeps itself alive until then.
  const run = await runApp(node(), { mode: 'refresh-then-end' });
  expect(run.stdout).toBe('federated\nrefreshed\n');
  expect(run.exited).toBe(true);
  expect(pool.stats().requests).toMatchObject({ GetId: 1, GetCredentialsForIdentity: 2 });
});

it(`the AWS SDK's NodeVersionSupportWarning never reaches the app's stderr from idpool's own calls (Node ${process.versions.node})`, async () => {
  const run = await runApp(process.execPath, { mode: 'no-stop' });
  expect(run.stdout).toBe('federated\n');
  expect(run.stderr).not.toMatch(/NodeVersionSupportWarning/);
  expect(run.stderr).toBe('');
});

it('the warning check sees the warning when there is one: an app that builds its own SDK client on Node < 22', async () => {
  const run = await runApp(process.execPath, { mode: 'own-client' });
  expect(run.stdout).toBe('federated\n');
  if (Number(process.versions.node.split('.')[0]) < 22) expect(run.stderr).toMatch(/NodeVersionSupportWarning/);
  else expect(run.stderr).toBe('');
});
