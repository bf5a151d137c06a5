/**
 * One contender, in a process of its own:
 * `node --expose-gc --import tsx bench/run-contender.ts <name> <full|quick> <timed|memory|all> <out.json>`.
 * `timed` runs the runtime figures, `memory` only the retained-memory figure (on a fresh heap,
 * so neither disturbs the other), `all` both in one process (quick mode: fewer process starts), against a local identity pool started in this process (so
 * the pool shares the contender's simulated time). Writes the figures as JSON to `out.json`.
 */
import { writeFileSync } from 'node:fs';
import { createAmplifyCustomContender } from './contenders/amplify-custom';
import { createAmplifyGuestContender } from './contenders/amplify-guest';
import { createIdpoolContender } from './contenders/idpool';
import { createSdkContender } from './contenders/sdk';
import { measureCachedCalls } from './figures/cached-calls';
import { measureColdStart } from './figures/cold-start';
import { measureExpiryBurst } from './figures/expiry-burst';
import { measureRetainedMemory } from './figures/retained-memory';
import { measureSimulatedDay } from './figures/simulated-day';
import { measureStartupFromPersisted } from './figures/startup-from-persisted';
import { settingsFor, type BenchSettings } from './lib/bench-settings';
import { contenderNames, type Contender, type ContenderName } from './lib/contender';
import { startLocalStack, type LocalStack } from './lib/local-stack';

const [name, mode, part, out] = process.argv.slice(2);
if (!contenderNames.includes(name as ContenderName) || mode === undefined || (part !== 'timed' && part !== 'memory' && part !== 'all') || out === undefined) {
  throw new TypeError(`usage: run-contender.ts <${contenderNames.join('|')}> <full|quick> <timed|memory|all> <out.json>`);
}
const settings = settingsFor(mode);

function stackStarter(settings: BenchSettings): (now: () => number) => Promise<LocalStack> {
  // The token outlives every figure, the simulated day included: IdP token refresh is not what is measured.
  const tokenLifetimeSeconds = settings.simDurationMs / 1000 + 4 * 3600;
  return (now) => startLocalStack({ now, credentialsTtlSeconds: settings.credentialsTtlSeconds, tokenLifetimeSeconds });
}

async function createContender(name: ContenderName): Promise<Contender> {
  const start = stackStarter(settings);
  switch (name) {
    case 'idpool':
      return (await createIdpoolContender(false, start)) as Contender;
    case 'idpool-guest':
      return (await createIdpoolContender(true, start)) as Contender;
    case 'amplify-custom':
      return createAmplifyCustomContender(start);
    case 'amplify-guest':
      return createAmplifyGuestContender(start);
    case 'sdk':
      return (await createSdkContender(start)) as Contender;
  }
}

const contender = await createContender(name as ContenderName);
// Memory first, on the freshest heap; the simulated day moves the clock furthest, so it runs
// last, after the figures that need the token.
const memory = part === 'timed' ? undefined : await measureRetainedMemory(contender, settings);
const timed =
  part === 'memory'
    ? undefined
    : {
        cached: await measureCachedCalls(contender, settings),
        coldStart: await measureColdStart(contender, settings),
        startup: await measureStartupFromPersisted(contender, settings),
        expiryBurst: await measureExpiryBurst(contender, settings),
        simulatedDay: await measureSimulatedDay(contender, settings),
      };
const result = { name, ...timed, ...(memory ? { memory } : {}) };
await contender.close();
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
// Keep-alive sockets of the contenders' HTTP clients must not hold the process open.
process.exit(0);
