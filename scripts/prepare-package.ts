// The `prepare` script: builds dist/ when npm installs idpool from git (npm runs only `prepare`
// there) and after `npm install` / `npm ci` in a clone. `npm pack` and `npm publish` run `prepack`
// first, which has just built it, so then it does nothing rather than build twice.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';

const command = process.env['npm_command'];
if (command !== 'pack' && command !== 'publish') {
  const npm = process.env['npm_execpath'];
  // Through the npm that runs this script, so the build uses the same Node and npm.
  if (npm !== undefined) execFileSync(process.execPath, [npm, 'run', 'build'], { stdio: 'inherit' });
  else execFileSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
}

// In a development clone (not a git dependency being built inside someone else's install), the
// runtimes `npm test` smoke-tests (Node 22/24, Bun, Deno, workerd) come from the npm registry
// at install time, never at test time: test/runtimes/binaries has its own lockfile.
const binaries = new URL('../test/runtimes/binaries/', import.meta.url);
const inOwnClone = process.env['INIT_CWD'] === undefined || resolvePath(process.env['INIT_CWD']) === process.cwd();
if (command !== 'pack' && command !== 'publish' && inOwnClone && existsSync(new URL('package-lock.json', binaries))) {
  const npm = process.env['npm_execpath'];
  const args = ['ci', '--prefix', fileURLToPath(binaries), '--no-audit', '--no-fund'];
  if (npm !== undefined) execFileSync(process.execPath, [npm, ...args], { stdio: 'inherit' });
  else execFileSync('npm', args, { stdio: 'inherit', shell: process.platform === 'win32' });
}
