import { comparisons, type ContenderName } from './contender';

/** One row of the published table: where to read it in a contender's results, and which way is better. */
export interface Figure {
  readonly key: string;
  readonly label: string;
  readonly path: readonly string[];
  readonly better: 'lower' | 'higher';
  readonly format: (value: number) => string;
}

const int = (v: number): string => Math.round(v).toLocaleString('en-US');
const kb = (v: number): string => `${(v / 1024).toFixed(1)} KB`;
const mb = (v: number): string => `${(v / 1024 / 1024).toFixed(1)} MB`;
const ms = (v: number): string => `${v.toFixed(v < 10 ? 2 : 0)} ms`;
const us = (v: number): string => `${v.toFixed(2)} µs`;

/** Every figure the bench publishes, in table order. */
export const figures: readonly Figure[] = [
  { key: 'cachedCallsPerSecond', label: 'cached calls / s', path: ['cached', 'callsPerSecond'], better: 'higher', format: int },
  { key: 'cachedMedianLatencyUs', label: 'cached call, median latency', path: ['cached', 'medianLatencyUs'], better: 'lower', format: us },
  { key: 'coldStartRequests', label: 'cold start, simultaneous calls (1,000): Cognito requests', path: ['coldStart', 'requests'], better: 'lower', format: int },
  { key: 'simRequests', label: 'simulated day (24 h): Cognito requests', path: ['simulatedDay', 'requests'], better: 'lower', format: int },
  { key: 'simWaits', label: 'simulated day (24 h): calls that waited (> 1 ms or called Cognito)', path: ['simulatedDay', 'waits'], better: 'lower', format: int },
  { key: 'simCalledCognito', label: 'simulated day (24 h): calls that called Cognito', path: ['simulatedDay', 'callsThatCalledCognito'], better: 'lower', format: int },
  { key: 'simExpired', label: 'simulated day (24 h): expired credentials handed out', path: ['simulatedDay', 'expiredHandedOut'], better: 'lower', format: int },
  { key: 'burstWaited', label: 'at renewal, simultaneous callers (100): callers that waited on Cognito', path: ['expiryBurst', 'waitedCallers'], better: 'lower', format: int },
  { key: 'burstRequests', label: 'at renewal, simultaneous callers (100): Cognito requests', path: ['expiryBurst', 'requests'], better: 'lower', format: int },
  { key: 'bundleGzip', label: 'browser bundle, minified + gzip', path: ['bundle', 'gzipBytes'], better: 'lower', format: kb },
  { key: 'bundleMin', label: 'browser bundle, minified', path: ['bundle', 'minBytes'], better: 'lower', format: kb },
  { key: 'memoryPerEngine', label: 'memory retained per engine', path: ['memory', 'perEngineBytes'], better: 'lower', format: kb },
  { key: 'memoryTotal', label: 'memory retained, all engines (10,000)', path: ['memory', 'totalBytes'], better: 'lower', format: mb },
  { key: 'startupRequests', label: 'restart from persisted credentials: Cognito requests', path: ['startup', 'requests'], better: 'lower', format: int },
  { key: 'startupMs', label: 'restart from persisted credentials: time to credentials', path: ['startup', 'ms'], better: 'lower', format: ms },
];

export type ContenderResults = Record<ContenderName, Record<string, unknown>>;

export function readFigure(results: Record<string, unknown>, path: readonly string[]): number | undefined {
  let value: unknown = results;
  for (const step of path) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[step] : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** idpool / contender for every figure and comparison; null where the contender's figure is 0. */
export function ratios(results: ContenderResults): Record<string, Record<string, number | null>> {
  const out: Record<string, Record<string, number | null>> = {};
  for (const { idpool, contender } of comparisons) {
    const row: Record<string, number | null> = {};
    for (const figure of figures) {
      const a = readFigure(results[idpool], figure.path);
      const b = readFigure(results[contender], figure.path);
      row[figure.key] = a === undefined || b === undefined || b === 0 ? null : a / b;
    }
    out[`${idpool}/${contender}`] = row;
  }
  return out;
}

function ratioText(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined) return '–';
  if (a < 0 || b < 0) return 'noise';
  if (b === 0) return a === 0 ? 'both 0' : '∞';
  if (a === 0) return '0×';
  const r = a / b;
  if (r >= 1) return `${r.toFixed(r < 10 ? 2 : 0)}×`;
  const inverse = 1 / r;
  return `1/${inverse.toFixed(inverse < 10 ? 2 : 0)}`;
}

/** The Markdown table of docs/benchmarks.md: each contender's figure, and idpool / contender beside it. */
export function markdownTable(results: ContenderResults, columns: readonly ContenderName[]): string {
  const head = ['figure', ...columns.flatMap((name) => {
    const pair = comparisons.find((c) => c.contender === name);
    return pair ? [name, `${pair.idpool} / ${name}`] : [name];
  })];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map((h, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const figure of figures) {
    const cells = [`${figure.label} (${figure.better} is better)`];
    for (const name of columns) {
      const value = readFigure(results[name], figure.path);
      cells.push(value === undefined ? '–' : figure.format(value));
      const pair = comparisons.find((c) => c.contender === name);
      if (pair) cells.push(ratioText(readFigure(results[pair.idpool], figure.path), value));
    }
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
