// A package-lock.json for a scratch app that installs the packed idpool: the entries of idpool's
// dependency tree copied from the repository's own lock, so `npm ci --offline` takes every package
// from npm's cache (where the repository's `npm ci` put them) and nothing is resolved or downloaded.
import { createHash } from 'node:crypto';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optional?: boolean;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [field: string]: unknown;
}

export interface Lockfile {
  name?: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}

/** Where Node would find `name` from the package at lock path `from` ('' is the root). */
function resolveFrom(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (Object.hasOwn(packages, candidate)) return candidate;
    if (base === '') return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut < 0 ? '' : base.slice(0, cut);
  }
}

/** The lock paths of `roots` (resolved from the root) and of everything they need, each with whether only optional edges reach it. */
function closure(packages: Record<string, LockEntry>, roots: string[]): Map<string, boolean> {
  const reached = new Map<string, boolean>();
  const visit = (from: string, name: string, optional: boolean): void => {
    const path = resolveFrom(packages, from, name);
    if (path === undefined) {
      if (optional) return; // an optional dependency for another platform
      throw new Error(`The repository's package-lock.json has no ${name} reachable from ${from || 'the root'}`);
    }
    const seen = reached.get(path);
    if (seen === false || seen === optional) return;
    reached.set(path, optional);
    const entry = packages[path] as LockEntry;
    for (const dependency of Object.keys(entry.dependencies ?? {})) visit(path, dependency, optional);
    for (const dependency of Object.keys(entry.optionalDependencies ?? {})) visit(path, dependency, true);
    for (const dependency of Object.keys(entry.peerDependencies ?? {})) {
      if (entry.peerDependenciesMeta?.[dependency]?.optional !== true) visit(path, dependency, optional);
    }
  };
  for (const root of roots) visit('', root, false);
  return reached;
}

/** The registry's address of a package's tarball (npm maps the host to the configured registry). */
function registryTarball(name: string, version: string | undefined): string {
  if (version === undefined) throw new Error(`The repository's package-lock.json has no version for ${name}`);
  return `https://registry.npmjs.org/${name}/-/${name.slice(name.lastIndexOf('/') + 1)}-${version}.tgz`;
}

export interface ScratchApp {
  /** The idpool tarball's bytes and its path relative to the app (`file:` spec). */
  tarball: { bytes: Buffer; spec: string };
  /** idpool's package.json (as packed): its dependencies are looked up in the repository's lock. */
  manifest: { version: string; dependencies?: Record<string, string>; peerDependencies?: Record<string, string>; [field: string]: unknown };
  /** Other packages the app depends on, taken from the repository's lock at the versions it holds. */
  alsoFromRepository: string[];
}

/**
 * The repository lock's entries for `names` (resolved from its root) and everything they need,
 * dev/peer flags dropped, each with its registry `resolved` address.
 */
export function pinnedEntries(repositoryLock: Lockfile, names: string[]): Record<string, LockEntry> {
  const entries: Record<string, LockEntry> = {};
  for (const [path, optional] of [...closure(repositoryLock.packages, names)].sort(([a], [b]) => a.localeCompare(b))) {
    const { dev: _dev, devOptional: _devOptional, peer: _peer, optional: _optional, ...entry } = repositoryLock.packages[path] as LockEntry;
    // Without `resolved` npm would ask the registry where the tarball is; with it, the cache answers by integrity.
    entry.resolved ??= registryTarball(path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), entry.version);
    entries[path] = optional ? { ...entry, optional: true } : entry;
  }
  return entries;
}

/** package.json and package-lock.json of a scratch app that depends on the packed idpool. */
export function scratchApp(repositoryLock: Lockfile, app: ScratchApp): { packageJson: object; lock: Lockfile } {
  const dependencies: Record<string, string> = { idpool: app.tarball.spec };
  for (const name of app.alsoFromRepository) {
    const version = repositoryLock.packages[`node_modules/${name}`]?.version;
    if (version === undefined) throw new Error(`The repository's package-lock.json has no top-level ${name}`);
    dependencies[name] = version;
  }
  const { manifest } = app;
  const lockPackages: Record<string, LockEntry> = {
    '': { name: 'scratch-app', version: '1.0.0', dependencies },
    'node_modules/idpool': {
      version: manifest.version,
      resolved: app.tarball.spec,
      integrity: `sha512-${createHash('sha512').update(app.tarball.bytes).digest('base64')}`,
      ...(manifest.dependencies ? { dependencies: manifest.dependencies } : {}),
      ...(manifest.peerDependencies ? { peerDependencies: manifest.peerDependencies } : {}),
      ...(manifest['peerDependenciesMeta'] ? { peerDependenciesMeta: manifest['peerDependenciesMeta'] as Record<string, { optional?: boolean }> } : {}),
      ...(manifest['bin'] ? { bin: manifest['bin'] } : {}),
    },
    ...pinnedEntries(repositoryLock, [...Object.keys(manifest.dependencies ?? {}), ...app.alsoFromRepository]),
  };
  return {
    packageJson: { name: 'scratch-app', version: '1.0.0', private: true, dependencies },
    lock: { name: 'scratch-app', lockfileVersion: 3, requires: true, packages: lockPackages },
  };
}

/**
 * A CommonJS program that merges pinned entries (a JSON file, its first argument) into the
 * package-lock.json of the folder it runs in, before an `npm install`: npm keeps a locked version
 * that satisfies what it installs, so it needs no registry to choose one.
 */
export const seedLockProgram = `const fs = require('node:fs');
const entries = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
let lock = { lockfileVersion: 3, requires: true, packages: { '': {} } };
if (fs.existsSync('package-lock.json')) lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8'));
for (const [path, entry] of Object.entries(entries)) if (!Object.hasOwn(lock.packages, path)) lock.packages[path] = entry;
fs.writeFileSync('package-lock.json', JSON.stringify(lock, null, 2));
`;
