import type { BundleSizeResult } from './bundle-size';

/** What idpool is built on, measured in the same run: the part of each figure idpool cannot cut. */
export interface Floors {
  /** XState and RxJS as idpool imports them, bundled alone (bench/bundles/xstate-rxjs-floor.ts). */
  bundle: BundleSizeResult;
  /** One started XState actor of a two-state machine (bench/floor-memory.ts). */
  memory: { engines: number; perActorBytes: number };
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

/** The floors beside idpool's figures and the goals, for docs/benchmarks.md. */
export function floorsMarkdownTable(floors: Floors, idpool: { bundleGzipBytes: number; perEngineBytes: number }): string {
  const rows: [string, string, string, string, string][] = [
    [
      'browser bundle, federate + fetch, minified + gzip',
      `${kb(floors.bundle.gzipBytes)} (XState + RxJS, as idpool imports them)`,
      kb(idpool.bundleGzipBytes),
      kb(idpool.bundleGzipBytes - floors.bundle.gzipBytes),
      '26 KB',
    ],
    [
      'memory retained per engine',
      `${kb(floors.memory.perActorBytes)} (a started XState actor, two states)`,
      kb(idpool.perEngineBytes),
      kb(idpool.perEngineBytes - floors.memory.perActorBytes),
      '4 KB',
    ],
  ];
  return [
    '| figure | floor | idpool | idpool above the floor | goal |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n');
}
