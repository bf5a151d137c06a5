import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import type { ContenderName } from './contender';
import { repoRoot } from './idpool-entry';

export interface BundleSizeResult {
  /** Minified bytes of the app bundle. */
  minBytes: number;
  /** Those bytes gzipped at level 9. */
  gzipBytes: number;
  /** Where the idpool import came from (`dist` when built). */
  source: string;
}

/** Points the bundle entries' `../../src/index` import at the built `dist/index.js` when there is one. */
function useBuiltIdpool(): Plugin {
  const dist = `${repoRoot}dist/index.js`;
  return {
    name: 'use-built-idpool',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^\.\.\/\.\.\/src\/index$/ }, () => (existsSync(dist) ? { path: dist } : undefined));
    },
  };
}

/**
 * @aws-sdk/credential-providers maps `./dist-es/index` to `./dist-es/index.browser` in its
 * `browser` field; esbuild does not apply that extension-less mapping to the `module` entry
 * (webpack does), and would pull in the Node-only providers. Apply it by hand.
 */
function useCredentialProvidersBrowserEntry(): Plugin {
  return {
    name: 'credential-providers-browser-entry',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^@aws-sdk\/credential-providers$/ }, () => ({
        path: `${repoRoot}node_modules/@aws-sdk/credential-providers/dist-es/index.browser.js`,
      }));
    },
  };
}

/** esbuild, platform browser, minified ESM, of `bench/bundles/<name>.ts`; then gzip. */
export async function measureBundleSize(name: ContenderName | 'xstate-rxjs-floor'): Promise<BundleSizeResult> {
  const result = await build({
    entryPoints: [`${repoRoot}bench/bundles/${name}.ts`],
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [useBuiltIdpool(), useCredentialProvidersBrowserEntry()],
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild produced no output for ${name}`);
  const usesIdpool = name.startsWith('idpool');
  return {
    minBytes: file.contents.byteLength,
    gzipBytes: gzipSync(file.contents, { level: 9 }).byteLength,
    source: usesIdpool ? (existsSync(`${repoRoot}dist/index.js`) ? 'dist/index.js' : 'src/index.ts') : 'node_modules',
  };
}
