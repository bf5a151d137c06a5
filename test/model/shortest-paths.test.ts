import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngineStack, type EngineStack } from '../support/engine-stack';
import { createAuthModel } from './auth-model';
import { CREDENTIALS_TTL_SECONDS, modelConfigs } from './model-config';
import { shortestPaths, summarizeFailures, walkPaths } from './model-paths';

// Every shortest path of the model (one to each state value × incoming transitions × what the
// guards decide next), per engine configuration, driven through the real engine against the
// local identity pool. One test per configuration; a failure lists each distinct mismatch once
// with its shortest example path.

let stack: EngineStack;
beforeAll(async () => {
  stack = await startEngineStack({ allowUnauthenticated: true, credentialsTtlSeconds: CREDENTIALS_TTL_SECONDS });
});
afterAll(async () => {
  await stack.close();
});

// Each configuration walks for seconds on an idle machine; the limit only catches a hang, with every core busy.
const GENEROUS_LIMIT_MS = 900_000;

const only = process.env['IDPOOL_MODEL_CONFIG'];
const names = modelConfigs('').map((config) => config.name).filter((name) => !only || name === only);

describe('model-based: shortest paths through the engine', () => {
  it.each(names)('%s', async (name) => {
    const config = modelConfigs(stack.issuer.loginsKey).find((candidate) => candidate.name === name)!;
    const model = createAuthModel(config, { oidcLoginsKey: stack.issuer.loginsKey, start: stack.clock.now() });
    const paths = shortestPaths(model);
    const failures = await walkPaths(stack, model, paths, name);
    expect(paths.length).toBeGreaterThan(0);
    expect(failures.length, `${failures.length} of ${paths.length} shortest paths failed (${name}):\n${summarizeFailures(failures)}`).toBe(0);
  }, GENEROUS_LIMIT_MS);
});
