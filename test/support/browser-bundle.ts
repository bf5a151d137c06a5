import { build, type BuildOptions } from 'esbuild';

/** A script for a page in Chromium: bundled by esbuild for the browser (ES2022), in memory. ESM unless `format` says otherwise. */
export async function browserBundle(options: Pick<BuildOptions, 'entryPoints' | 'stdin' | 'format' | 'globalName' | 'define'>): Promise<string> {
  const result = await build({ bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'silent', ...options });
  return result.outputFiles[0]!.text;
}
