import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngineStack, type EngineStack } from '../support/engine-stack';
import { createAuthModel } from './auth-model';
import { CREDENTIALS_TTL_SECONDS, modelConfigs } from './model-config';
import { simplePaths, summarizeFailures, walkPaths } from './model-paths';

// Every acyclic path over the machine's state values (TestModel.getSimplePaths), per engine
// configuration. All of them (~6,000 paths, ~50,000 steps, a few minutes) with
// IDPOOL_ALL_PATHS=1; by default every SAMPLE-th one, so the default run stays short.
const ALL = process.env['IDPOOL_ALL_PATHS'] === '1';
const SAMPLE = 40;

// The limit only catches a hang: the sample walks for seconds on an idle machine, all paths for minutes.
const GENEROUS_LIMIT_MS = 1_800_000;

let stack: EngineStack;
beforeAll(async () => {
  stack = await startEngineStack({ allowUnauthenticated: true, credentialsTtlSeconds: CREDENTIALS_TTL_SECONDS });
});
afterAll(async () => {
  await stack.close();
});

describe('model-based: simple paths through the engine', () => {
  it.each(modelConfigs('').map((config) => config.name))('%s', async (name) => {
    const config = modelConfigs(stack.issuer.loginsKey).find((candidate) => candidate.name === name)!;
    const model = createAuthModel(config, { oidcLoginsKey: stack.issuer.loginsKey, start: stack.clock.now() });
    const { all, replayable } = simplePaths(model);
    const chosen = ALL ? replayable : replayable.filter((path) => path.index % SAMPLE === 0);
    const failures = await walkPaths(stack, model, chosen, `simple-${name}`);
    expect(chosen.length).toBeGreaterThan(0);
    expect(
      failures.length,
      `${failures.length} of ${chosen.length} simple paths failed (${name}; ${replayable.length} of ${all} generated replay, every ${ALL ? '' : `${SAMPLE}th `}one walked):\n${summarizeFailures(failures)}`,
    ).toBe(0);
  }, GENEROUS_LIMIT_MS);
});
