// What a fresh clone packs: the files git tracks that the build reads, copied to a temporary folder
// without dist/, with the repository's node_modules linked in (a clone would `npm ci` them), and
// `npm pack` run there — so the tarball is what `prepack` builds, and the repository's own dist/,
// which other tests read while this one runs, is never touched.
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { offlineNpmEnv } from './offline-npm';

const run = promisify(execFile);
export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/** What the build reads: tsup.config.ts, tsconfig.json and the sources, with package.json, the lock and what `files` ships. */
const CLONED = ['package.json', 'package-lock.json', 'README.md', 'tsconfig.json', 'tsup.config.ts', 'src', 'machines', 'scripts'];

export interface PackedPackage {
  /** Absolute path of the .tgz. */
  tarball: string;
  bytes: Buffer;
  /** Paths inside the tarball, without the leading `package/`. */
  files: string[];
  /** package.json as packed. */
  manifest: {
    name: string;
    version: string;
    exports: Record<string, unknown>;
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    bin?: Record<string, string>;
    [field: string]: unknown;
  };
}

/** Copies the clone into `workspace/clone`, packs it into `workspace`, and reads the tarball. */
export async function packFreshClone(workspace: string): Promise<PackedPackage> {
  const clone = join(workspace, 'clone');
  await mkdir(clone, { recursive: true });
  for (const entry of CLONED) await cp(join(repositoryRoot, entry), join(clone, entry), { recursive: true });
  await symlink(join(repositoryRoot, 'node_modules'), join(clone, 'node_modules'), 'dir');
  // `npm pack` prints the build's output on stdout too; the tarball's name is its last line.
  const { stdout } = await run('npm', ['pack', '--pack-destination', workspace, '--loglevel', 'error'], {
    cwd: clone,
    env: offlineNpmEnv(workspace),
    timeout: 300_000, // only a hang reaches it
    maxBuffer: 64 * 1024 * 1024,
  });
  const name = stdout.trim().split('\n').at(-1) ?? '';
  if (!/^idpool-[\w.-]+\.tgz$/.test(name) || !(await readdir(workspace)).includes(name)) {
    throw new Error(`npm pack did not name a tarball it wrote; its last line: ${name}`);
  }
  const tarball = join(workspace, name);
  const { stdout: listing } = await run('tar', ['-tzf', tarball], { maxBuffer: 16 * 1024 * 1024 });
  const { stdout: manifest } = await run('tar', ['-xzOf', tarball, 'package/package.json'], { maxBuffer: 16 * 1024 * 1024 });
  return {
    tarball,
    bytes: await readFile(tarball),
    files: listing.split('\n').filter(Boolean).map((path) => path.replace(/^package\//, '')),
    manifest: JSON.parse(manifest) as PackedPackage['manifest'],
  };
}
