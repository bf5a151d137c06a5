import { describe, expect, it } from 'vitest';
import { measureBundleSize } from '../../bench/lib/bundle-size';

// The one performance check in `npm test`: bytes are deterministic (same esbuild, same
// sources), unlike time. The app is bench/bundles/idpool.ts (federate + fetch, browser,
// minified, gzip level 9), built from dist/ (npm test builds it first).

/** The budget, gzip bytes. Lower it when the bundle shrinks; raising it needs a reason in docs/benchmarks.md. */
const BUDGET_GZIP_BYTES = 46_000;

describe('browser bundle size', () => {
  it(`the federate + fetch app stays within ${BUDGET_GZIP_BYTES} bytes gzipped`, async ({ annotate }) => {
    const size = await measureBundleSize('idpool');
    expect(size.source).toBe('dist/index.js');
    await annotate(`bundle: ${size.gzipBytes} B gzip, ${size.minBytes} B minified (budget ${BUDGET_GZIP_BYTES} B gzip)`);
    expect(size.gzipBytes).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  });

  it('pulls in no AWS SDK runtime (the default transport is fetch)', async () => {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [new URL('../../bench/bundles/idpool.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    // What ends up in the output (parsed inputs that tree shaking dropped have no bytes there).
    const output = Object.values(result.metafile.outputs)[0];
    const shipped = Object.entries(output?.inputs ?? {}).filter(([, input]) => input.bytesInOutput > 0).map(([path]) => path);
    expect(shipped.length).toBeGreaterThan(0);
    expect(shipped.filter((path) => /node_modules\/@(aws-sdk|smithy)\//.test(path))).toEqual([]);
  });
});
