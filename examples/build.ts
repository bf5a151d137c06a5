// Bundles an example with esbuild, mapping 'idpool' and 'idpool/local' to the sources.
// Usage: npx tsx examples/build.ts <react|vue|svelte|rxjs|plain-dom|node> [--serve]
//   --serve (browser examples) serves the example on http://127.0.0.1:8000 with the bundle at /dist/main.js;
//   run `npm run local` beside it for the pool and issuer the page talks to. `npm run example -- <name>`
//   (examples/run.ts) does both in one command.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build, context, type BuildOptions, type Plugin } from 'esbuild';
import { compile } from 'svelte/compiler';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Each example's entry point and the platform it runs on. */
export const examples = {
  react: { entry: 'react/main.tsx', platform: 'browser' },
  vue: { entry: 'vue/main.ts', platform: 'browser' },
  svelte: { entry: 'svelte/main.ts', platform: 'browser' },
  rxjs: { entry: 'rxjs/main.ts', platform: 'browser' },
  'plain-dom': { entry: 'plain-dom/main.ts', platform: 'browser' },
  node: { entry: 'node/federate.ts', platform: 'node' },
} as const;

export type ExampleName = keyof typeof examples;

/** Compiles `.svelte` components with the Svelte compiler (what vite-plugin-svelte does for Vite). */
const sveltePlugin: Plugin = {
  name: 'svelte',
  setup(builder) {
    builder.onLoad({ filter: /\.svelte$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      const { js, warnings } = compile(source, { filename: path, generate: 'client', css: 'injected' });
      return {
        contents: js.code,
        loader: 'js',
        warnings: warnings.map((warning) => ({ text: warning.message, ...(warning.filename ? { location: { file: warning.filename } } : {}) })),
      };
    });
  },
};

export function exampleBuildOptions(name: ExampleName): BuildOptions {
  const { entry, platform } = examples[name];
  const options: BuildOptions = {
    entryPoints: [here(entry)],
    bundle: true,
    format: 'esm',
    platform,
    target: platform === 'node' ? 'node20' : 'es2022',
    outfile: here(`${name}/dist/main.js`),
    jsx: 'automatic',
    alias: { idpool: here('../src/index.ts'), 'idpool/local': here('../src/local/index.ts') },
    plugins: [sveltePlugin],
    define: platform === 'browser' ? { 'process.env.NODE_ENV': '"production"' } : {},
    logLevel: 'warning',
  };
  if (platform === 'node') {
    // Some AWS SDK dependencies are CommonJS and `require` Node built-ins.
    options.banner = { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" };
  }
  return options;
}

async function main(args: string[]): Promise<void> {
  const [name, flag] = args;
  if (name === undefined || !(name in examples)) {
    console.error(`Usage: npx tsx examples/build.ts <${Object.keys(examples).join('|')}> [--serve]`);
    process.exitCode = 2;
    return;
  }
  const options = exampleBuildOptions(name as ExampleName);
  if (flag !== '--serve') {
    await build(options);
    console.log(`built examples/${name}/dist/main.js`);
    return;
  }
  const served = await context(options);
  const { port } = await served.serve({ host: '127.0.0.1', port: 8000, servedir: here(name) });
  console.log(`examples/${name}: http://127.0.0.1:${port}/ (Ctrl+C to stop)`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main(process.argv.slice(2));
