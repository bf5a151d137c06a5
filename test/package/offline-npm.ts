// The environment the package tests run npm and Node in: npm with no registry it could reach (a
// closed loopback port) and `offline` set, so every package comes from npm's cache or the install
// fails; none of the npm_* variables of an enclosing `npm test`, which would point npm at the
// repository; and no node_modules/.bin of the repository on PATH.
import { join } from 'node:path';

/** A registry address nothing listens on: if npm tried the network, it would fail at once. */
export const UNREACHABLE_REGISTRY = 'http://127.0.0.1:9/';

export function offlineNpmEnv(workspace: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(name) || name === 'NODE_OPTIONS' || name.startsWith('VITEST') || name === 'INIT_CWD') continue;
    env[name] = value;
  }
  env['PATH'] = (process.env['PATH'] ?? '')
    .split(':')
    .filter((dir) => !dir.endsWith('/node_modules/.bin'))
    .join(':');
  return {
    ...env,
    npm_config_registry: UNREACHABLE_REGISTRY,
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    // `npm init -y` writes the defaults; a user's ~/.npmrc init-* settings should not change them.
    npm_config_userconfig: join(workspace, 'npmrc'),
  };
}
