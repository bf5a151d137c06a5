// idpool as its users get it: packed once from a fresh clone (prepack builds dist/), installed from
// the tarball into a scratch app with npm offline (a closed registry port: nothing is downloaded),
// imported as ESM and CommonJS, type-checked as a consumer under node16 and bundler resolution,
// checked by publint and @arethetypeswrong/cli, and docs/quickstart.md run exactly as written in a
// fresh `npm init -y` project.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commonJsCycle, consumerFiles, exportNamesProgram } from './consumer-sources';
import { packFreshClone, repositoryRoot, type PackedPackage } from './fresh-clone';
import { offlineNpmEnv } from './offline-npm';
import { asScript, normaliseOutput, readQuickstart } from './quickstart-steps';
import { pinnedEntries, scratchApp, seedLockProgram, type Lockfile } from './scratch-lock';

const execFileAsync = promisify(execFile);
// Limits that only catch a hang (npm, tsc and the build can be slow on two busy cores).
const HANG = 240_000;

let workspace: string;
let packed: PackedPackage;
let app: string;
let repositoryLock: Lockfile;

const run = (file: string, args: string[], cwd: string) =>
  execFileAsync(file, args, { cwd, env: offlineNpmEnv(workspace), timeout: HANG, maxBuffer: 64 * 1024 * 1024 });
const node = (args: string[], cwd = app) => run(process.execPath, args, cwd);
const entryPoints = (): string[] =>
  Object.keys(packed.manifest.exports)
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? 'idpool' : `idpool/${key.slice(2)}`));

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'idpool-package-'));
  packed = await packFreshClone(workspace);
  repositoryLock = JSON.parse(await readFile(join(repositoryRoot, 'package-lock.json'), 'utf8')) as Lockfile;
  app = join(workspace, 'app');
  await mkdir(app);
  const { packageJson, lock } = scratchApp(repositoryLock, {
    tarball: { bytes: packed.bytes, spec: `file:../${packed.tarball.slice(workspace.length + 1)}` },
    manifest: packed.manifest,
    alsoFromRepository: ['@types/node'],
  });
  await writeFile(join(app, 'package.json'), JSON.stringify(packageJson, null, 2));
  await writeFile(join(app, 'package-lock.json'), JSON.stringify(lock, null, 2));
  for (const [name, text] of Object.entries(consumerFiles)) await writeFile(join(app, name), text);
  await run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel', 'error'], app);
}, HANG * 2);

afterAll(async () => {
  if (workspace !== undefined) await rm(workspace, { recursive: true, force: true });
});

describe('the tarball', () => {
  it('holds a built file for every condition of every export, the bin and the README; no sources or tests', () => {
    const targets = (value: unknown): string[] =>
      typeof value === 'string' ? [value] : Object.values(value as Record<string, unknown>).flatMap(targets);
    const files = targets(packed.manifest.exports);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) expect(packed.files, file).toContain(file.replace(/^\.\//, ''));
    for (const bin of Object.values(packed.manifest.bin ?? {})) expect(packed.files).toContain(bin.replace(/^\.\//, ''));
    expect(packed.files).toContain('README.md');
    expect(packed.files.filter((file) => /^(src|test|bench|examples|scripts|machines)\//.test(file))).toEqual([]);
    // A TypeScript source in the tarball would import files the tarball does not hold.
    expect(packed.files.filter((file) => /\.(c|m)?ts$/.test(file) && !/\.d\.(c|m)?ts$/.test(file))).toEqual([]);
  });

  it('says which Node it is tested on: the lines with require(esm), which its CommonJS build needs (jose is ESM only)', () => {
    expect(packed.manifest['engines']).toEqual({ node: '^20.19.0 || ^22.12.0 || >=24' });
  });
});

describe('installed from the tarball, offline', () => {
  it('each entry point gives ESM and CommonJS the same names', async () => {
    await writeFile(join(app, 'names.mjs'), exportNamesProgram('esm', entryPoints()));
    await writeFile(join(app, 'names.cjs'), exportNamesProgram('cjs', entryPoints()));
    const esm = JSON.parse((await node(['names.mjs'])).stdout) as Record<string, string[]>;
    const cjs = JSON.parse((await node(['names.cjs'])).stdout) as Record<string, string[]>;
    expect(cjs).toEqual(esm);
    expect(Object.keys(esm)).toEqual(['idpool', 'idpool/local', 'idpool/amplify', 'idpool/storage/file', 'idpool/storage/redis']);
    expect(esm['idpool']).toEqual(expect.arrayContaining(['createAuth', 'decodeJWT', 'AuthError', 'createWebStorage']));
    expect(esm['idpool/local']).toEqual(expect.arrayContaining(['startLocalIdentityPool', 'startLocalOidcIssuer']));
    expect(esm['idpool/storage/file']).toContain('createFileStorage');
    expect(esm['idpool/storage/redis']).toContain('createRedisStorage');
  });

  it('a CommonJS app federates, fetches, refreshes and clears with require()', async () => {
    await writeFile(join(app, 'cycle.cjs'), commonJsCycle);
    const { stdout, stderr } = await node(['cycle.cjs']);
    expect(JSON.parse(stdout)).toEqual({
      identityId: expect.stringMatching(/^us-east-1:[0-9a-f-]{36}$/),
      cachedSame: true,
      refreshedSame: true,
      clearedHasCredentials: false,
      requests: expect.objectContaining({ GetId: 1, GetCredentialsForIdentity: 2 }),
    });
    expect(stderr).toBe('');
  });

  it('the idpool command runs', async () => {
    const { stdout } = await run(join(app, 'node_modules/.bin/idpool'), ['--help'], app);
    expect(stdout).toMatch(/^Usage: idpool/m);
  });

  it.each(['node16', 'bundler'])('type-checks a strict consumer under moduleResolution %s', async (resolution) => {
    const tsc = join(repositoryRoot, 'node_modules/typescript/bin/tsc');
    const result = await node([tsc, '-p', `tsconfig.${resolution}.json`, '--pretty', 'false']).catch((error: { stdout: string }) => error);
    expect(result.stdout).toBe('');
  });

  it('publint finds nothing, suggestions included', async () => {
    const tarball = packed.bytes.buffer.slice(packed.bytes.byteOffset, packed.bytes.byteOffset + packed.bytes.length) as ArrayBuffer;
    const { messages, pkg } = await publint({ pack: { tarball }, level: 'suggestion', strict: true });
    expect(messages.map((message) => `${message.type}: ${formatMessage(message, pkg) ?? message.code}`)).toEqual([]);
  });

  it('@arethetypeswrong/cli finds no problem for node16 and bundlers', async () => {
    const attw = join(repositoryRoot, 'node_modules/@arethetypeswrong/cli/dist/index.js');
    const args = [attw, packed.tarball, '--profile', 'node16', '--no-definitely-typed', '--format', 'json'];
    const result = await node(args, workspace).catch((error: { stdout: string; code: number }) => error);
    const { analysis } = JSON.parse(result.stdout) as { analysis: { problems: Array<{ kind: string; entrypoint?: string; resolutionKind?: string }> } };
    // node10 (moduleResolution "node") predates `exports`: subpaths cannot resolve there, and the node16 profile ignores it.
    expect(analysis.problems.filter((problem) => problem.resolutionKind !== 'node10')).toEqual([]);
    expect('code' in result ? result.code : 0).toBe(0);
  });
});

describe('docs/quickstart.md, exactly as written, in a fresh npm init -y project', () => {
  it('runs as JavaScript with "type": "module" and prints what the page says', async () => {
    const { shell, program, expected } = await readQuickstart();
    const [setup, runJs] = shell;
    expect(shell).toHaveLength(2);
    expect(setup).toMatch(/^npm init -y$/m);
    expect(runJs).toBe('node quickstart.js\n');
    const pins = join(workspace, 'quickstart-pins.json');
    await writeFile(pins, JSON.stringify(pinnedEntries(repositoryLock, Object.keys(packed.manifest.dependencies ?? {}))));
    await writeFile(join(workspace, 'seed-lock.cjs'), seedLockProgram);
    const seed = `node ${JSON.stringify(join(workspace, 'seed-lock.cjs'))} ${JSON.stringify(pins)}`;
    const bash = (script: string, cwd: string) => run('bash', ['-c', asScript(script, seed, packed.tarball)], cwd);
    const parent = join(workspace, 'reader');
    await mkdir(parent);
    await bash(setup!, parent);
    const project = join(parent, 'idpool-quickstart');
    const manifest = JSON.parse(await readFile(join(project, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ type: 'module', dependencies: { idpool: expect.stringContaining('idpool-') } });

    await writeFile(join(project, 'quickstart.js'), program);
    const { stdout, stderr } = await bash(runJs!, project);
    expect(stderr).toBe('');
    expect(normaliseOutput(stdout)).toEqual(normaliseOutput(expected));
  });

  it('fails as the issue saw it without "type": "module": the page\'s setup is what makes it run', async () => {
    const project = join(workspace, 'commonjs-project');
    await mkdir(project);
    await run('npm', ['init', '-y'], project);
    const { program } = await readQuickstart();
    await writeFile(join(project, 'quickstart.js'), program);
    const failure = await node(['quickstart.js'], project).then(
      () => undefined,
      (error: { stderr: string }) => error.stderr,
    );
    expect(failure).toMatch(/SyntaxError|ERR_REQUIRE|Cannot use import statement/);
  });
});
