// A miniature idpool that keeps every wall of .dependency-cruiser.cjs: one module per layer, each
// using what its layer may use (machines → model, errors, xstate; adapters → entry points; the command
// line → src/local/index.ts; an optional peer from storage; a test file beside a source). The walls
// test cruises it as is (no violation) and with one breach added per rule.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const packages = {
  // A dependency the machine may use, one it may not, a devDependency, an optional peer (like
  // redis: dev and peer at once), and one that is installed but declared nowhere.
  xstate: 'dependencies',
  rxlike: 'dependencies',
  devonly: 'devDependencies',
  peeronly: 'devDependencies',
  undeclared: undefined,
} as const;

export const cleanTree: Readonly<Record<string, string>> = {
  'machines/chart.machine.ts': [
    "import { setup } from 'xstate';",
    "import type { Held } from '../src/model/held';",
    "import { AuthError } from '../src/errors/auth-error';",
    "import { isFresh } from './chart.guards';",
    'export const chart = { setup, isFresh, AuthError, held: undefined as Held | undefined };',
  ].join('\n'),
  'machines/chart.guards.ts': "import type { Held } from '../src/model/held';\nexport const isFresh = (held: Held): boolean => held.error === undefined;",
  'src/errors/auth-error.ts': 'export class AuthError extends Error {}',
  'src/errors/error-classes.ts': "import { AuthError } from './auth-error';\nexport class NotAuthorized extends AuthError {}",
  'src/model/held.ts': "import type { AuthError } from '../errors/auth-error';\nexport interface Held { error?: AuthError }\nexport const emptyHeld: Held = {};",
  'src/login/logins-key.ts': "import type { Held } from '../model/held';\nexport const loginsKey = (held: Held): string => String(held);",
  'src/services/get-id.ts': [
    "import type { Held } from '../model/held';",
    "import { NotAuthorized } from '../errors/error-classes';",
    "import { loginsKey } from '../login/logins-key';",
    "import { of } from 'rxlike';",
    'export const getId = (held: Held): unknown => [loginsKey(held), NotAuthorized, of];',
  ].join('\n'),
  'src/storage/memory-storage.ts': "import { NotAuthorized } from '../errors/error-classes';\nimport type { Held } from '../model/held';\nexport const createMemoryStorage = (held?: Held): unknown => [held, NotAuthorized];",
  'src/storage/index.ts': "export { createMemoryStorage } from './memory-storage';",
  'src/storage/file-storage.ts': "import { readFile } from 'node:fs/promises';\nimport { AuthError } from '../errors/auth-error';\nexport const createFileStorage = (): unknown => [readFile, AuthError];",
  'src/storage/redis-storage.ts': "import type { Client } from 'peeronly';\nexport const createRedisStorage = (client: Client): unknown => client;",
  'src/session/session-record.ts': [
    "import type { Held } from '../model/held';",
    "import { createMemoryStorage } from '../storage/index';",
    "import { loginsKey } from '../login/logins-key';",
    'export const parseRecord = (held: Held): unknown => [createMemoryStorage, loginsKey(held)];',
  ].join('\n'),
  // Excluded from the graph: a devDependency and no importer would otherwise break two walls.
  'src/session/session-record.test.ts': "import { parseRecord } from './session-record';\nimport 'devonly';\nexport const run = parseRecord;",
  'src/engine/create-engine.ts': [
    "import { chart } from '../../machines/chart.machine';",
    "import { getId } from '../services/get-id';",
    "import { parseRecord } from '../session/session-record';",
    "import { createMemoryStorage } from '../storage/index';",
    'export const createEngine = (): unknown => [chart, getId, parseRecord, createMemoryStorage];',
  ].join('\n'),
  // The composition root: createAuth puts the AWS SDK adapter on top of the engine.
  'src/create-auth.ts': "import { createEngine } from './engine/create-engine';\nimport { createAwsCredentialsProvider } from './aws-sdk';\nexport const createAuth = (): unknown => [createEngine(), createAwsCredentialsProvider];",
  'src/aws-sdk.ts': "import type { Held } from './model/held';\nimport { NotAuthorized } from './errors/error-classes';\nexport const createAwsCredentialsProvider = (held: Held): unknown => [held, NotAuthorized];",
  'src/index.ts': [
    "export { createAuth } from './create-auth';",
    "export { createAwsCredentialsProvider } from './aws-sdk';",
    "export { AuthError } from './errors/auth-error';",
    "export { NotAuthorized } from './errors/error-classes';",
    "export { createMemoryStorage } from './storage/index';",
    "export { chart } from '../machines/chart.machine';",
  ].join('\n'),
  'src/amplify/hub.ts': 'export const toHubPayload = (value: unknown): unknown => value;',
  'src/amplify/index.ts': "import { createAuth } from '../index';\nimport type { Held } from '../model/held';\nimport { toHubPayload } from './hub';\nexport const createAmplifyAuth = (held: Held): unknown => toHubPayload([createAuth, held]);",
  'src/local/server.ts': "import { createServer } from 'node:http';\nexport const startServer = (): unknown => createServer;",
  'src/local/index.ts': "export { startServer as startLocalIdentityPool } from './server';",
  'src/cli/run.ts': "import { createFileStorage } from '../storage/file-storage';\nexport const run = (): unknown => createFileStorage;",
  'src/cli/idpool.ts': "import { createAuth } from '../index';\nimport { startLocalIdentityPool } from '../local/index';\nimport { run } from './run';\nexport const main = (): unknown => [createAuth, startLocalIdentityPool, run];",
  'test/support/helper.ts': 'export const helper = 1;',
};

/** Writes `tree` (and the packages it imports) to a fresh temporary directory; returns it and its cleanup. */
export function writeTree(tree: Readonly<Record<string, string>>): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'idpool-walls-'));
  const manifest: Record<string, Record<string, string>> = { dependencies: {}, devDependencies: {}, peerDependencies: { peeronly: '>=1' } };
  for (const [name, field] of Object.entries(packages)) {
    if (field !== undefined) (manifest[field] as Record<string, string>)[name] = '1.0.0';
    write(dir, `node_modules/${name}/package.json`, JSON.stringify({ name, version: '1.0.0', main: 'index.js', types: 'index.d.ts' }));
    write(dir, `node_modules/${name}/index.js`, 'module.exports = {};');
    write(dir, `node_modules/${name}/index.d.ts`, 'export declare const of: unknown;\nexport type Client = unknown;');
  }
  write(dir, 'package.json', JSON.stringify({ name: 'walls-fixture', type: 'module', ...manifest, peerDependenciesMeta: { peeronly: { optional: true } } }));
  for (const [path, contents] of Object.entries(tree)) write(dir, path, `${contents}\n`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function write(dir: string, path: string, contents: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), contents);
}
