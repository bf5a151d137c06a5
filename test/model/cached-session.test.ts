import { describe, expect, it } from 'vitest';
import { cachedSession } from '../../machines/cached-session';
import type { MachineEmitted } from '../../machines/auth.context';
import { createAuthModel, type ModelSnapshot } from './auth-model';
import { modelConfigs } from './model-config';
import { shortestPaths } from './model-paths';

// The engine answers a plain fetchAuthSession() from `cachedSession` without sending the machine
// an event. Along every model path, wherever a FETCH is offered, the two must agree: a cached
// answer is exactly what the chart would answer at once, and the chart never answers at once
// with credentials where no cached answer exists (the fast path would then miss).

const KEY = '127.0.0.1:4010';
const GENEROUS_LIMIT_MS = 600_000;

function resolvedAtOnce(emitted: MachineEmitted[]) {
  return emitted.find((event) => event.type === 'request.resolved');
}

describe('cachedSession agrees with the chart', () => {
  it.each(modelConfigs(KEY).map((config) => [config.name, config] as const))('%s', (_name, config) => {
    const model = createAuthModel(config, { oidcLoginsKey: KEY, start: 1_700_000_000_000 });
    let checked = 0;
    let served = 0;
    for (const path of shortestPaths(model)) {
      let snapshot: ModelSnapshot = model.initial();
      for (const event of path.events) {
        const isPlainFetch = event.type === 'FETCH' && event.forceRefresh !== true;
        const cached = isPlainFetch ? cachedSession(snapshot.machine, snapshot.world.now) : undefined;
        const next = model.step(snapshot, event);
        if (isPlainFetch) {
          checked += 1;
          const answer = resolvedAtOnce(next.step.emitted);
          const servedCredentials = answer?.type === 'request.resolved' && answer.session.credentials !== undefined;
          if (cached) served += 1;
          expect(cached !== undefined, `path ${path.index}: cached ${cached !== undefined}, chart answered at once with credentials ${servedCredentials}`).toBe(servedCredentials);
          if (cached && answer?.type === 'request.resolved') {
            expect(cached).toEqual(answer.session);
            expect(next.machine.value).toEqual(snapshot.machine.value);
          }
        }
        snapshot = next;
      }
    }
    expect(checked).toBeGreaterThan(0);
    if (config.calls.includes('fetch')) expect(served).toBeGreaterThan(0);
  }, GENEROUS_LIMIT_MS);
});
