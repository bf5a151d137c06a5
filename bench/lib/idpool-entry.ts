import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The built `dist/index.js` (what users ship) when it exists, else the TypeScript source. */
export function idpoolEntry(): { path: string; url: string; build: 'dist' | 'src' } {
  const dist = `${repoRoot}dist/index.js`;
  const path = existsSync(dist) ? dist : `${repoRoot}src/index.ts`;
  return { path, url: pathToFileURL(path).href, build: path === dist ? 'dist' : 'src' };
}

export { repoRoot };
