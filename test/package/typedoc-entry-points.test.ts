// TypeDoc documents every entry point the package exports: each subpath of package.json `exports`
// is built by tsup from one source file, and typedoc.json lists exactly those sources.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import tsupConfig from '../../tsup.config';

const read = async (path: string): Promise<unknown> => JSON.parse(await readFile(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8'));

it('typedoc.json covers every entry point in exports, and nothing else', async () => {
  const manifest = (await read('package.json')) as { exports: Record<string, string | { import?: { default?: string } }> };
  const typedoc = (await read('typedoc.json')) as { entryPoints: string[] };
  // tsup's entries: output name (`storage/file`) → source (`src/storage/file-storage.ts`).
  const configs = (Array.isArray(tsupConfig) ? tsupConfig : [tsupConfig]) as Array<{ entry?: Record<string, string> }>;
  const sources = new Map(configs.flatMap((config) => Object.entries(config.entry ?? {})));

  const exported = Object.entries(manifest.exports)
    .filter(([subpath]) => subpath !== './package.json')
    .map(([subpath, target]) => {
      const file = typeof target === 'string' ? target : target.import?.default;
      const output = file?.replace(/^\.\/dist\//, '').replace(/\.js$/, '');
      const source = output === undefined ? undefined : sources.get(output);
      if (source === undefined) throw new Error(`exports["${subpath}"] (${file}) is built from no tsup entry`);
      return source;
    });
  expect(exported.length).toBe(5);
  expect([...typedoc.entryPoints].sort()).toEqual([...exported].sort());
});
