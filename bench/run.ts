/**
 * idpool against what users would pick instead, on the same local identity pool setup.
 *
 *   npm run bench          full run; writes bench/results/latest.json and prints the table
 *   npm run bench:quick    every figure, briefly: proves the scripts work (numbers not for publishing)
 *
 * Options: `--quick`, `--out <file.json>`, `--fleet-only` (only the Redis fleet figure, written into
 * the `fleet` key of an existing results file, the rest of it kept). Each contender runs in child processes of its own
 * (bench/run-contender.ts, with --expose-gc), one after another: one for the timed figures, one
 * for retained memory on a fresh heap (quick mode: one for both). Bundle sizes are measured here.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { settingsFor } from './lib/bench-settings';
import { measureBundleSize } from './lib/bundle-size';
import { contenderNames, type ContenderName } from './lib/contender';
import { figures, markdownTable, ratios, readFigure, type ContenderResults } from './lib/figures-table';
import { measureFleetOnRedis } from './figures/fleet-redis';
import { fleetSettingsFor } from './lib/fleet-settings';
import { fleetFigureKeys, fleetMarkdownTable } from './lib/fleet-table';
import { floorsMarkdownTable, type Floors } from './lib/floors-table';
import { idpoolEntry, repoRoot } from './lib/idpool-entry';
import { machineInfo } from './lib/machine-info';

const args = process.argv.slice(2);
const mode = args.includes('--quick') ? 'quick' : 'full';
const fleetOnly = args.includes('--fleet-only');
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? args[outIndex + 1] : mode === 'full' ? join(repoRoot, 'bench/results/latest.json') : join(tmpdir(), 'idpool-bench-quick.json');
if (out === undefined) throw new TypeError('--out needs a file path');
const settings = settingsFor(mode);

const entry = idpoolEntry();
if (mode === 'full' && entry.build !== 'dist') {
  console.error('bench: dist/index.js is missing; run `npm run build` first (the full run measures what users ship).');
  process.exit(1);
}

function runContender(name: ContenderName, part: 'timed' | 'memory' | 'all', resultFile: string): Promise<void> {
  return runNode(['--expose-gc', '--import', 'tsx', join(repoRoot, 'bench/run-contender.ts'), name, mode, part, resultFile], `${name} (${part})`, resultFile);
}

/** Runs a bench script in a Node process of its own; rejects with its stderr unless it exits 0 (having written `resultFile`). */
function runNode(args: string[], what: string, resultFile?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0 && (resultFile === undefined || existsSync(resultFile))) resolve();
      else reject(new Error(`bench: ${what} exited with ${code}\n${stderr}`));
    });
  });
}

const work = mkdtempSync(join(tmpdir(), 'idpool-bench-'));
const results = {} as ContenderResults;
let floors: Floors | undefined;
try {
  for (const name of fleetOnly ? [] : contenderNames) {
    const started = performance.now();
    const parts: Record<string, unknown>[] = [];
    for (const part of mode === 'full' ? (['timed', 'memory'] as const) : (['all'] as const)) {
      const resultFile = join(work, `${name}-${part}.json`);
      await runContender(name, part, resultFile);
      parts.push(JSON.parse(readFileSync(resultFile, 'utf8')) as Record<string, unknown>);
    }
    results[name] = { ...parts.reduce((merged, part) => ({ ...merged, ...part }), {}), bundle: await measureBundleSize(name) };
    console.error(`bench: ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  if (!fleetOnly) {
    // The floors: XState and RxJS alone, in the bundle and in memory, so the table shows what of idpool's figure is its own.
    const memoryFile = join(work, 'floor-memory.json');
    await runNode(['--expose-gc', '--import', 'tsx', join(repoRoot, 'bench/floor-memory.ts'), String(settings.memoryEngines), memoryFile], 'floor memory');
    floors = { bundle: await measureBundleSize('xstate-rxjs-floor'), memory: JSON.parse(readFileSync(memoryFile, 'utf8')) as Floors['memory'] };
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

// The fleet of processes sharing one session in Redis: idpool only, no peer shares sessions.
const fleetStarted = performance.now();
const fleet = { date: new Date().toISOString(), machine: machineInfo(), ...(await measureFleetOnRedis(fleetSettingsFor(mode))) };
console.error(`bench: fleet on Redis done in ${((performance.now() - fleetStarted) / 1000).toFixed(1)} s`);
const fleetMissing = fleetFigureKeys.filter((key) => !Number.isFinite(fleet[key])).map((key) => `fleet.${key}`);

const missing = [
  ...(fleetOnly ? [] : contenderNames.flatMap((name) => figures.filter((f) => readFigure(results[name], f.path) === undefined).map((f) => `${name}.${f.key}`))),
  ...fleetMissing,
  ...(fleetOnly || floors ? [] : ['floors']),
];
const report = fleetOnly
  ? { ...(existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>) : { mode }), fleet }
  : {
      mode,
      date: new Date().toISOString(),
      machine: machineInfo(),
      idpoolBuild: entry.build,
      settings,
      figures: figures.map(({ key, label, path, better }) => ({ key, label, path, better })),
      results,
      ratios: ratios(results),
      floors,
      fleet,
      missing,
    };
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
if (!fleetOnly) console.log(markdownTable(results, contenderNames));
if (floors) {
  const idpool = results.idpool as { bundle: { gzipBytes: number }; memory: { perEngineBytes: number } };
  console.log(`\n${floorsMarkdownTable(floors, { bundleGzipBytes: idpool.bundle.gzipBytes, perEngineBytes: idpool.memory.perEngineBytes })}`);
}
console.log(`\n${fleetMarkdownTable(fleet)}`);
console.log(`\nwritten: ${out}`);
if (missing.length > 0) {
  console.error(`bench: figures missing: ${missing.join(', ')}`);
  process.exit(1);
}
