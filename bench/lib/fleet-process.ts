/**
 * One server process of the Redis fleet, spawned by bench/figures/fleet-redis.ts:
 * `node --import tsx bench/lib/fleet-process.ts '<FleetProcessConfig as JSON>'`, with an IPC channel.
 *
 * Starts its engines on the shared session, says `ready` once every engine holds credentials,
 * then on `start` makes one `fetchAuthSession()` per engine every `callIntervalMs` until
 * `endAt`, and sends its `result`. Exits on `stop`, when the parent goes away, or after
 * `maxLifetimeMs` whatever happens.
 */
import type { AuthSession } from '../../src/index';
import { startFleetEngines, type FleetEngines } from './fleet-engines';
import type { FleetChildMessage, FleetParentMessage, FleetProcessConfig, FleetProcessResult } from './fleet-protocol';

/** Microtask turns given to a call to answer from memory: a cached call needs a few; no I/O can complete during any of them. */
const MICROTASK_TURNS = 32;
/** How long a call still pending at the window's end may take before it counts as failed. */
const PENDING_BOUND_MS = 30_000;

const config = JSON.parse(process.argv[2] ?? 'null') as FleetProcessConfig | null;
if (config === null || typeof process.send !== 'function') throw new TypeError('usage: spawned by bench/figures/fleet-redis.ts with an IPC channel');
const send = (message: FleetChildMessage): void => {
  process.send?.(message);
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

let fleet: FleetEngines | undefined;
let exiting = false;
/** Stops the engines and closes Redis (a few seconds at most), then exits; later calls wait for the first. */
async function exit(code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  await Promise.race([fleet?.close().catch(() => undefined), sleep(5_000)]);
  process.exit(code);
}
setTimeout(() => void exit(3), config.maxLifetimeMs);
process.on('disconnect', () => void exit(2));

async function microtaskTurns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

interface Tally {
  calls: number;
  waited: number;
  waitedMaxMs: number;
  failed: number;
  expiredServed: number;
  expiredServedAfterWait: number;
  expiredByMaxMs: number;
  offsetShiftedServed: number;
  regressedServed: number;
  commandsDuringCachedCalls: number;
}

/** The latest expiration each engine handed out: an engine that goes back to older credentials regressed. */
const lastServed = new WeakMap<object, number>();

function judge(tally: Tally, auth: object, session: AuthSession | undefined, waited: boolean): void {
  const expiration = session?.credentials?.expiration.getTime();
  if (expiration === undefined) {
    tally.failed++;
    return;
  }
  if (expiration < (lastServed.get(auth) ?? 0)) tally.regressedServed++;
  else lastServed.set(auth, expiration);
  // Cognito's Expiration is a whole second: any other instant was shifted by a clock-offset estimate.
  if (expiration % 1000 !== 0) tally.offsetShiftedServed++;
  const expiredBy = Date.now() - expiration;
  if (expiredBy < 0) return;
  tally.expiredServed++;
  if (waited) tally.expiredServedAfterWait++;
  tally.expiredByMaxMs = Math.max(tally.expiredByMaxMs, expiredBy);
}

/** Calls every engine once, one after the other; a call counts as waiting if it needed I/O to answer. */
async function tick(engines: FleetEngines, tally: Tally, pending: Set<Promise<void>>): Promise<void> {
  for (const auth of engines.auths) {
    const commandsBefore = engines.counter.total;
    const started = performance.now();
    let answered = false;
    let session: AuthSession | undefined;
    const call = auth.fetchAuthSession().then(
      (value) => {
        answered = true;
        session = value;
      },
      () => {
        answered = true;
      },
    );
    tally.calls++;
    await microtaskTurns(MICROTASK_TURNS);
    if (answered) {
      tally.commandsDuringCachedCalls += engines.counter.total - commandsBefore;
      judge(tally, auth, session, false);
      continue;
    }
    tally.waited++;
    const settled = call.then(() => {
      tally.waitedMaxMs = Math.max(tally.waitedMaxMs, performance.now() - started);
      judge(tally, auth, session, true);
    });
    pending.add(settled);
    void settled.finally(() => pending.delete(settled));
  }
}

async function run(engines: FleetEngines, index: number, startAt: number, endAt: number, intervalMs: number): Promise<FleetProcessResult> {
  const tally: Tally = {
    calls: 0,
    waited: 0,
    waitedMaxMs: 0,
    failed: 0,
    expiredServed: 0,
    expiredServedAfterWait: 0,
    expiredByMaxMs: 0,
    offsetShiftedServed: 0,
    regressedServed: 0,
    commandsDuringCachedCalls: 0,
  };
  const events: Record<string, number> = {};
  const subscriptions = engines.auths.map((auth) =>
    auth.events$.subscribe((event) => {
      events[event.type] = (events[event.type] ?? 0) + 1;
      if (event.type === 'sessionStorage_failure') engines.failures.note(`${event.type} ${event.operation}`, event.error);
      else if (event.type === 'credentialsRefresh_failure') engines.failures.note(event.type, event.error);
    }),
  );
  const pending = new Set<Promise<void>>();
  await sleep(startAt - Date.now());
  engines.counter.reset();
  engines.counter.logging = true;
  const cpuBefore = process.cpuUsage();
  let ticksLate = 0;
  let next = startAt;
  while (Date.now() < endAt) {
    // More than an interval late: the process cannot keep up; skip ahead rather than bunch calls up.
    if (Date.now() - next > intervalMs) {
      ticksLate++;
      next = Date.now();
    }
    await tick(engines, tally, pending);
    next += intervalMs;
    await sleep(next - Date.now());
  }
  const cpu = process.cpuUsage(cpuBefore);
  engines.counter.logging = false;
  const drained = await Promise.race([Promise.all(pending).then(() => true), sleep(PENDING_BOUND_MS).then(() => false)]);
  if (!drained) tally.failed += pending.size;
  for (const subscription of subscriptions) subscription.unsubscribe();
  return {
    index,
    ...tally,
    commands: { ...engines.counter.counts },
    commandLog: engines.counter.log,
    leasesWon: engines.counter.leasesWon,
    events,
    adapterErrors: engines.adapterErrors(),
    cpuMs: (cpu.user + cpu.system) / 1000,
    ticksLate,
    failureSamples: engines.failures.samples(),
  };
}

async function main(cfg: FleetProcessConfig): Promise<void> {
  fleet = await startFleetEngines({ ...cfg, label: `fleet process ${cfg.index}` });
  const engines = fleet;
  // Restored from the shared record: every engine must hold credentials before the window opens.
  const first = await Promise.all(engines.auths.map((auth) => auth.fetchAuthSession()));
  if (first.some((session) => session.credentials === undefined)) throw new Error('an engine restored no credentials from Redis');
  process.on('message', (message: FleetParentMessage) => {
    if (message.type === 'stop') void exit(0);
    else if (message.type === 'start') {
      run(engines, cfg.index, message.startAt, message.endAt, cfg.callIntervalMs).then(
        (result) => send({ type: 'result', result }),
        (error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
      );
    }
  });
  send({ type: 'ready' });
}

main(config).catch((error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  void exit(1);
});
