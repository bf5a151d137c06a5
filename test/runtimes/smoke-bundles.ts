// The smoke run bundled once per kind of runtime with esbuild, 'idpool' mapped to the sources (as
// examples/build.ts does), so a runtime runs what the package ships without a stale dist/.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export type BundleKind = 'server' | 'worker' | 'browser';

const options: Record<BundleKind, BuildOptions> = {
  // Node, Bun and Deno resolve the package's Node build, as `import 'idpool'` / `npm:idpool` would.
  server: {
    entryPoints: [here('smoke/node-entry.ts')],
    platform: 'node',
    target: 'node20',
    // Some AWS SDK dependencies are CommonJS and `require` Node built-ins.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  },
  // Cloudflare's runtime: the package's browser/worker build, no Node APIs.
  worker: {
    entryPoints: [here('smoke/worker-entry.ts')],
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
  },
  browser: {
    entryPoints: [here('smoke/browser-entry.ts')],
    platform: 'browser',
    target: 'es2022',
  },
};

/** Bundles `kind` into `dir/<kind>.mjs` and returns its path. */
export async function bundleSmoke(kind: BundleKind, dir: string): Promise<string> {
  const result = await build({
    ...options[kind],
    bundle: true,
    format: 'esm',
    write: false,
    logLevel: 'silent',
    alias: { idpool: here('../../src/index.ts') },
    define: kind === 'server' ? {} : { 'process.env.NODE_ENV': '"production"' },
  });
  const [output] = result.outputFiles;
  if (output === undefined || result.errors.length > 0) throw new Error(`The ${kind} smoke bundle did not build: ${result.errors.map((error) => error.text).join('; ')}`);
  const file = join(dir, `${kind}.mjs`);
  await writeFile(file, output.contents);
  return file;
}
