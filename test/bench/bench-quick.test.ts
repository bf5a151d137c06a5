import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { contenderNames } from '../../bench/lib/contender';
import { figures, readFigure } from '../../bench/lib/figures-table';
import { fleetFigureKeys } from '../../bench/lib/fleet-table';

const run = promisify(execFile);
const repoRoot = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'idpool-bench-test-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run bench:quick', () => {
  // No timing assertions: the quick mode only proves that every script runs and reports every figure.
  // A limit that only catches a hang: the quick bench takes many times longer with every core busy.
  it('reports every figure for every contender', { timeout: 600_000 }, async () => {
    const out = join(work, 'quick.json');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out], {
      cwd: repoRoot,
      maxBuffer: 16 * 1024 * 1024,
    });
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      mode: string;
      missing: string[];
      machine: { nproc: number; node: string; cpuModel: string };
      results: Record<string, Record<string, unknown>>;
      ratios: Record<string, Record<string, number | null>>;
      fleet: Record<string, unknown>;
      floors: { bundle: { gzipBytes: number }; memory: { perActorBytes: number } };
    };
    expect(report.mode).toBe('quick');
    expect(report.missing).toEqual([]);
    expect(report.machine.node).toBe(process.version);
    expect(Object.keys(report.results).sort()).toEqual([...contenderNames].sort());
    for (const name of contenderNames) {
      for (const figure of figures) {
        expect(readFigure(report.results[name] ?? {}, figure.path), `${name}: ${figure.key}`).toBeTypeOf('number');
      }
    }
    expect(Object.keys(report.ratios).sort()).toEqual(['idpool-guest/amplify-guest', 'idpool/amplify-custom', 'idpool/sdk']);
    for (const figure of figures) expect(stdout).toContain(figure.label);

    // Request counts are deterministic, unlike timings: the cold start shows what each contender does.
    const cold = (name: string) => report.results[name]?.['coldStart'] as { callers: number; requests: number; failures: number };
    const callers = cold('idpool').callers;
    expect(callers).toBeGreaterThan(1);
    expect(cold('idpool')).toMatchObject({ requests: 2, failures: 0 });
    expect(cold('sdk')).toMatchObject({ requests: 2, failures: 0 });
    // The documented custom provider calls GetId and GetCredentialsForIdentity for every caller.
    expect(cold('amplify-custom')).toMatchObject({ callers, requests: 2 * callers, failures: 0 });

    // The Redis fleet (quick: 2 processes of 5 engines) reports its figures beside their goals.
    const fleet = report.fleet;
    for (const key of fleetFigureKeys) expect(fleet[key], `fleet.${key}`).toBeTypeOf('number');
    expect(fleet).toMatchObject({ processes: 2, enginesPerProcess: 5 });
    expect(fleet['lifetimes']).toBeGreaterThanOrEqual(1);
    // Every lifetime took at least one refresh; a cached call never goes to Redis, whatever the timing.
    expect(fleet['cognitoRefreshes']).toBeGreaterThanOrEqual(fleet['lifetimes'] as number);
    expect(fleet['redisCommandsPerCachedCall']).toBe(0);
    expect(stdout).toContain('| figure (2 processes × 5 engines, one Redis) | idpool | goal |');

    // The floors under idpool's figures (XState and RxJS alone) are measured in the same run.
    expect(report.floors.bundle.gzipBytes).toBeGreaterThan(0);
    expect(report.floors.memory.perActorBytes).toBeGreaterThan(0);
    expect(stdout).toContain('| figure | floor | idpool | idpool above the floor | goal |');
  });
});
