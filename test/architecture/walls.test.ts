// Proves each wall in .dependency-cruiser.cjs bites: a miniature tree that keeps every wall passes,
// and the same tree with one breach added reports exactly that breach under the rule meant to catch it.
// Then cruises the real src/ and machines/ and expects no violation (what `npm run lint:deps` checks).
import { afterAll, describe, expect, it } from 'vitest';
import { cruiseTree, describeViolation, loadWallsConfig, repositoryRoot, shippedRoots } from '../../scripts/architecture-cruise';
import { cleanTree, writeTree } from './walls-fixture';

interface Breach {
  /** Lines appended to a file of the clean tree (or a new file's contents). */
  lines: Readonly<Record<string, string>>;
  /** Every violation the breached tree must report, as `rule: from → to`. */
  reports: readonly string[];
}

const breaches: Readonly<Record<string, Breach>> = {
  'machines-import-only-the-chart-and-model': {
    lines: { 'machines/chart.guards.ts': "import '../src/services/get-id';\nimport 'node:fs';\nimport { of } from 'rxlike';\nexport const o = of;" },
    reports: [
      'machines-import-only-the-chart-and-model: machines/chart.guards.ts → src/services/get-id.ts',
      'machines-import-only-the-chart-and-model: machines/chart.guards.ts → fs',
      'machines-import-only-the-chart-and-model: machines/chart.guards.ts → node_modules/rxlike/index.js',
    ],
  },
  'services-import-only-model-errors-login': {
    // A type-only import is an edge too: services must not even name the machine's types.
    lines: { 'src/services/get-id.ts': "import '../session/session-record';\nimport type { chart } from '../../machines/chart.machine';\nexport type C = typeof chart;" },
    reports: [
      'services-import-only-model-errors-login: src/services/get-id.ts → src/session/session-record.ts',
      'services-import-only-model-errors-login: src/services/get-id.ts → machines/chart.machine.ts',
    ],
  },
  'login-imports-only-model-errors': {
    lines: { 'src/login/logins-key.ts': "import '../storage/index';" },
    reports: ['login-imports-only-model-errors: src/login/logins-key.ts → src/storage/index.ts'],
  },
  'session-imports-no-machine-service-or-engine': {
    lines: { 'src/session/session-record.ts': "import '../services/get-id';" },
    reports: ['session-imports-no-machine-service-or-engine: src/session/session-record.ts → src/services/get-id.ts'],
  },
  'storage-imports-only-model-and-errors': {
    lines: { 'src/storage/memory-storage.ts': "import type { loginsKey } from '../login/logins-key';\nexport type K = typeof loginsKey;" },
    reports: ['storage-imports-only-model-and-errors: src/storage/memory-storage.ts → src/login/logins-key.ts'],
  },
  'model-imports-only-model-and-errors': {
    lines: { 'src/model/held.ts': "import '../options';", 'src/options.ts': 'export const options = 1;' },
    reports: ['model-imports-only-model-and-errors: src/model/held.ts → src/options.ts'],
  },
  'errors-are-a-leaf': {
    lines: { 'src/errors/auth-error.ts': "import './../options';", 'src/options.ts': 'export const options = 1;' },
    reports: ['errors-are-a-leaf: src/errors/auth-error.ts → src/options.ts'],
  },
  'local-stands-apart': {
    lines: { 'src/local/server.ts': "import '../errors/auth-error';" },
    reports: ['local-stands-apart: src/local/server.ts → src/errors/auth-error.ts'],
  },
  'nothing-shipped-imports-local': {
    lines: { 'src/engine/create-engine.ts': "import '../local/index';", 'src/amplify/hub.ts': "import '../local/index';" },
    reports: [
      'nothing-shipped-imports-local: src/engine/create-engine.ts → src/local/index.ts',
      'nothing-shipped-imports-local: src/amplify/hub.ts → src/local/index.ts',
    ],
  },
  'adapters-use-the-public-api': {
    lines: {
      'src/amplify/hub.ts': "import '../engine/create-engine';",
      'src/cli/run.ts': "import '../local/server';",
      'src/aws-sdk.ts': "import '../machines/chart.machine';\nimport './storage/memory-storage';",
    },
    reports: [
      'adapters-use-the-public-api: src/amplify/hub.ts → src/engine/create-engine.ts',
      'adapters-use-the-public-api: src/cli/run.ts → src/local/server.ts',
      'adapters-use-the-public-api: src/aws-sdk.ts → machines/chart.machine.ts',
      'adapters-use-the-public-api: src/aws-sdk.ts → src/storage/memory-storage.ts',
    ],
  },
  'adapters-take-only-types-from-the-model': {
    lines: { 'src/aws-sdk.ts': "import { emptyHeld } from './model/held';\nexport const empty = emptyHeld;" },
    reports: ['adapters-take-only-types-from-the-model: src/aws-sdk.ts → src/model/held.ts'],
  },
  'nothing-below-imports-an-adapter': {
    // The engine importing the AWS SDK adapter: the dependency running the wrong way.
    lines: { 'src/engine/create-engine.ts': "import '../aws-sdk';" },
    reports: ['nothing-below-imports-an-adapter: src/engine/create-engine.ts → src/aws-sdk.ts'],
  },
  'no-circular': {
    // Within one layer, so that no other wall is crossed; type-only, so that types count too.
    lines: { 'src/services/get-id.ts': "import type { Send } from './send-command';\nexport type S = Send;", 'src/services/send-command.ts': "import { getId } from './get-id';\nexport type Send = typeof getId;" },
    reports: ['no-circular: src/services/get-id.ts → src/services/send-command.ts → src/services/get-id.ts'],
  },
  'no-orphans': {
    // An orphan is unreachable as well: both walls report it.
    lines: { 'src/login/forgotten.ts': 'export const forgotten = 1;' },
    reports: ['no-orphans: src/login/forgotten.ts', 'reachable-from-an-entry-point: src/login/forgotten.ts'],
  },
  'reachable-from-an-entry-point': {
    lines: { 'src/login/dead.ts': "import { loginsKey } from './logins-key';\nexport const dead = loginsKey;" },
    reports: ['reachable-from-an-entry-point: src/login/dead.ts'],
  },
  'shipped-code-imports-no-dev-dependency': {
    lines: { 'src/services/get-id.ts': "import type { of } from 'devonly';\nexport type O = typeof of;" },
    reports: ['shipped-code-imports-no-dev-dependency: src/services/get-id.ts → node_modules/devonly/index.js'],
  },
  'no-undeclared-package': {
    lines: { 'src/services/get-id.ts': "import 'undeclared';" },
    reports: ['no-undeclared-package: src/services/get-id.ts → node_modules/undeclared/index.js'],
  },
  'not-to-unresolvable': {
    lines: { 'machines/chart.guards.ts': "import './chart.actions';" },
    reports: ['not-to-unresolvable: machines/chart.guards.ts → ./chart.actions'],
  },
  'shipped-code-imports-no-test-code': {
    lines: { 'src/services/get-id.ts': "import '../../test/support/helper';" },
    reports: ['shipped-code-imports-no-test-code: src/services/get-id.ts → test/support/helper.ts'],
  },
};

function withBreach(breach: Breach): Record<string, string> {
  const tree: Record<string, string> = { ...cleanTree };
  for (const [path, lines] of Object.entries(breach.lines)) tree[path] = Object.hasOwn(tree, path) ? `${lines}\n${tree[path] as string}` : lines;
  return tree;
}

const removals: Array<() => void> = [];
afterAll(() => removals.forEach((remove) => remove()));

async function violationsOf(tree: Readonly<Record<string, string>>): Promise<string[]> {
  const { dir, remove } = writeTree(tree);
  removals.push(remove);
  const result = await cruiseTree(dir, shippedRoots, true);
  return (result.summary.violations ?? []).map(describeViolation).sort();
}

describe('the walls in .dependency-cruiser.cjs', () => {
  it('has a breach below for every rule, and no breach for a rule it does not have', () => {
    const rules = (loadWallsConfig().forbidden ?? []).map((rule) => rule.name).sort();
    expect(Object.keys(breaches).sort()).toEqual(rules);
  });

  it('let a tree that keeps them pass (allowed edges, an optional peer, a test file beside a source)', async () => {
    expect(await violationsOf(cleanTree)).toEqual([]);
  });

  it.each(Object.entries(breaches))('%s reports its breach and nothing else', async (_rule, breach) => {
    expect(await violationsOf(withBreach(breach))).toEqual([...breach.reports].sort());
  });
});

describe('the real tree (src/, machines/)', () => {
  it('keeps every wall', async () => {
    const result = await cruiseTree(repositoryRoot, shippedRoots, true);
    const violations = (result.summary.violations ?? []).map(describeViolation);
    expect(result.summary.totalCruised, 'cruised the tree').toBeGreaterThan(50);
    expect(violations, `npm run lint:deps reports:\n${violations.join('\n')}`).toEqual([]);
  });
});
