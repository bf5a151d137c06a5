import { createMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { authMachine, type AuthMachine } from '../../machines/auth.machine';
import { createAuthModel } from './auth-model';
import { modelConfigs } from './model-config';
import { shortestPaths, uncoveredTransitions, type ModelPath } from './model-paths';

// The paths are the ones shortest-paths.test.ts walks through the engine (same generation; the
// issuer's Logins key does not change the graph). A transition in `machines/` that no path
// takes fails here, by name.

/** Transitions no path can drive through the public API, with the reason. Kept empty on purpose. */
const notDrivable: Record<string, string> = {};

const KEY = '127.0.0.1:4010';

// Generating paths is pure computation (seconds on an idle machine, many times that with every
// core busy): the per-test limits below only catch a hang, and the mutant check walks one configuration.
const GENEROUS_LIMIT_MS = 600_000;

function pathsFor(machine: AuthMachine, only?: string): ModelPath[] {
  return modelConfigs(KEY)
    .filter((config) => only === undefined || config.name === only)
    .flatMap((config) => shortestPaths(createAuthModel(config, { oidcLoginsKey: KEY, start: 1_700_000_000_000, machine })));
}

function coverage(machine: AuthMachine, only?: string) {
  const { all, missing } = uncoveredTransitions(machine, pathsFor(machine, only));
  return { all, missing: missing.filter((transition) => !(transition.id in notDrivable)) };
}

describe('transition coverage', () => {
  it('the model paths take every transition of the machine (state × event × guard branch, after, onDone, onError, always)', async ({ annotate }) => {
    const { all, missing } = coverage(authMachine);
    expect(all.length).toBeGreaterThan(0);
    // A test annotation, not console output: the reporter shows it with the test's result.
    await annotate(`transitions covered: ${all.length - missing.length}/${all.length}`);
    expect(missing.map((transition) => `${transition.id} [${transition.guard || 'no guard'}] → ${transition.target}`)).toEqual([]);
  }, GENEROUS_LIMIT_MS);

  it('reports a transition added to the machine that no path takes', () => {
    // The machine gains a transition on an event the model does not drive: coverage must name it.
    const config = authMachine.config as unknown as { states: Record<string, { on?: Record<string, unknown> }> };
    const federated = config.states['federated']!;
    const mutated = {
      ...config,
      states: { ...config.states, federated: { ...federated, on: { ...federated.on, PING: { target: 'signedOut' } } } },
    };
    const mutant = createMachine(mutated as never, authMachine.implementations as never) as unknown as AuthMachine;
    // One configuration that reaches `federated`: what it leaves uncovered in the mutant, beyond
    // what it leaves uncovered in the machine, is exactly the new transition.
    const only = 'app';
    const { all, missing } = coverage(mutant, only);
    const before = new Set(coverage(authMachine, only).missing.map((transition) => transition.id));
    expect(all.length).toBe(listLength() + 1);
    expect(missing.map((transition) => transition.id).filter((id) => !before.has(id))).toEqual(['auth.federated | PING | 0']);
  }, GENEROUS_LIMIT_MS);
});

function listLength(): number {
  return uncoveredTransitions(authMachine, []).all.length;
}
