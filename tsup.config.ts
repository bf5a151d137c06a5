import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      'local/index': 'src/local/index.ts',
      'amplify/index': 'src/amplify/index.ts',
      'storage/file': 'src/storage/file-storage.ts',
      'storage/redis': 'src/storage/redis-storage.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    // Shared chunks, so idpool/amplify and idpool use one engine (and one set of error classes).
    splitting: true,
    treeshake: true,
  },
  {
    entry: { 'cli/idpool': 'src/cli/idpool.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
