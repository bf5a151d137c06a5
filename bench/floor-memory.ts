/**
 * The floor under idpool's memory per engine, in a process of its own on a fresh heap:
 * `node --expose-gc --import tsx bench/floor-memory.ts <engines> <out.json>`. One started XState
 * actor of a two-state machine with no context, held `engines` times: what any engine built on
 * an XState actor retains before holding anything of its own.
 */
import { writeFileSync } from 'node:fs';
import { createActor, createMachine } from 'xstate';

const [count, out] = process.argv.slice(2);
const engines = Number(count);
if (!Number.isInteger(engines) || engines < 1 || out === undefined) throw new TypeError('usage: floor-memory.ts <engines> <out.json>');

const machine = createMachine({ initial: 'idle', states: { idle: { on: { GO: 'busy' } }, busy: { on: { STOP: 'idle' } } } });
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const collect = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
createActor(machine).start().stop();
const before = collect();
const held: unknown[] = [];
for (let i = 0; i < engines; i++) held.push(createActor(machine).start());
const after = collect();
writeFileSync(out, JSON.stringify({ engines: held.length, perActorBytes: (after - before) / held.length }));
