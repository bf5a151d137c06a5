import type { BenchSettings } from '../lib/bench-settings';
import type { Contender } from '../lib/contender';
import { turns } from '../lib/turns';

export interface RetainedMemoryResult {
  engines: number;
  /** heapUsed after GC with the engines held, minus before, bytes. */
  totalBytes: number;
  perEngineBytes: number;
}

function collect(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Creates `memoryEngines` idle app instances in this process and keeps them referenced (one per SSR request). */
export async function measureRetainedMemory(contender: Contender, settings: BenchSettings): Promise<RetainedMemoryResult> {
  // One instance first, so lazily loaded modules and shared caches are not counted.
  await contender.releaseIdle([await contender.createIdle()]);
  await turns(5);
  const before = collect();
  const instances: object[] = [];
  for (let i = 0; i < settings.memoryEngines; i++) instances.push(await contender.createIdle());
  await turns(5);
  const after = collect();
  const totalBytes = after - before;
  const engines = instances.length;
  await contender.releaseIdle(instances);
  return { engines, totalBytes, perEngineBytes: totalBytes / engines };
}
