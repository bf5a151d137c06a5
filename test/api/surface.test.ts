// Guards the public surface: the runtime exports of every entry point, from the sources and from
// the ESM and CJS builds `npm test` makes before this runs. A change here is a change to the API.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

const surface: Record<string, { source: string; exports: string[] }> = {
  '.': {
    source: 'src/index.ts',
    exports: [
      'AbortError', 'AuthError', 'ExternalServiceException', 'InternalErrorException', 'InvalidIdentityPoolConfigurationException',
      'InvalidParameterException', 'InvalidStateException', 'InvalidTokenException', 'LimitExceededException', 'NetworkError',
      'NotAuthorizedException', 'ResourceConflictException', 'ResourceNotFoundException', 'Secret', 'SessionExpiredException',
      'StorageError', 'TokenRefreshException', 'TooManyRequestsException', 'UnknownException', 'authEventTypes', 'authMachine',
      'createAuth', 'createAwsCredentialsProvider', 'createCookieStorage', 'createFetchTransport', 'createMemoryStorage', 'createSdkTransport',
      'createWebStorage', 'decodeJWT',
      'providerLoginsKeys', 'toAuthState',
    ],
  },
  './local': {
    source: 'src/local/index.ts',
    exports: [
      'COGNITO_LOGINS_KEY', 'DEFAULT_DEVELOPER_PROVIDER_NAME', 'DEFAULT_IDENTITY_POOL_ID', 'LOCAL_ACCOUNT_ID', 'LOCAL_CLIENT_ID',
      'LOCAL_DEVELOPER_CREDENTIALS', 'startLocalIdentityPool', 'startLocalOidcIssuer',
    ],
  },
  './amplify': {
    source: 'src/amplify/index.ts',
    exports: ['createAmplifyAuth', 'createAmplifyCredentialsProvider', 'federatedUserKey', 'toHubPayload'],
  },
  './storage/file': { source: 'src/storage/file-storage.ts', exports: ['createFileStorage'] },
  './storage/redis': { source: 'src/storage/redis-storage.ts', exports: ['createRedisStorage'] },
};

describe.each(Object.entries(surface))('idpool%s', (subpath, { source, exports }) => {
  it('exports exactly the documented names from the sources', async () => {
    const module = (await import(`${root}${source}`)) as Record<string, unknown>;
    expect(Object.keys(module).sort()).toEqual([...exports].sort());
  });

  it('exports the same names from the ESM and the CJS build', () => {
    expect(existsSync(`${root}dist`), 'run `npm run build` first (npm test does)').toBe(true);
    const specifier = `idpool${subpath.slice(1)}`;
    const esm = execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).sort()))`], { cwd: root, encoding: 'utf8' });
    const cjs = execFileSync(process.execPath, ['-e', `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(specifier)})).sort()))`], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(esm)).toEqual([...exports].sort());
    expect(JSON.parse(cjs)).toEqual([...exports].sort());
  });
});
