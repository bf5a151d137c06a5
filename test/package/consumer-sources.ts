// The scratch app's own files: programs that import the installed idpool as ESM and as CommonJS,
// and TypeScript consumers type-checked under moduleResolution node16 and bundler. Each consumer
// has an `@ts-expect-error` that holds only if idpool's types are real (an `any` would not error).

const typedUse = (imports: string): string => `${imports}

const options: AuthOptions = { identityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000', storage: createMemoryStorage() };
const auth = createAuth(options);
auth.events$.subscribe((event: AuthEvent) => {
  if (event.type === 'federatedToIdentityPool') console.log(event.identityId.length);
});
const pool: Promise<LocalIdentityPool> = startLocalIdentityPool({ credentialsTtlSeconds: 60 });
const stores = [createFileStorage('/tmp/idpool-session.json'), createRedisStorage];
export const used = [auth, pool, stores, createAmplifyAuth, AuthError.name];
// @ts-expect-error: no such option, so the types are not \`any\`
createAuth({ identityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000', notAnOption: true });
`;

const imports = `import { AuthError, createAuth, createMemoryStorage, type AuthEvent, type AuthOptions } from 'idpool';
import { startLocalIdentityPool, type LocalIdentityPool } from 'idpool/local';
import { createAmplifyAuth } from 'idpool/amplify';
import { createFileStorage } from 'idpool/storage/file';
import { createRedisStorage } from 'idpool/storage/redis';`;

const compilerOptions = {
  target: 'ES2022',
  strict: true,
  noEmit: true,
  // The shipped .d.ts files are checked too, as a consumer's strict build would.
  skipLibCheck: false,
  types: ['node'],
};

export const consumerFiles: Record<string, string> = {
  // Node's own resolution: an ES module and a CommonJS module of the same app.
  'consumer.mts': typedUse(imports),
  'consumer.cts': typedUse(imports),
  'tsconfig.node16.json': JSON.stringify({
    compilerOptions: { ...compilerOptions, module: 'node16', moduleResolution: 'node16', lib: ['ES2023'] },
    files: ['consumer.mts', 'consumer.cts'],
  }),
  // A bundler's resolution (Vite, esbuild, webpack), for a browser app.
  'consumer.ts': typedUse(imports),
  'tsconfig.bundler.json': JSON.stringify({
    compilerOptions: { ...compilerOptions, module: 'ESNext', moduleResolution: 'bundler', lib: ['ES2023', 'DOM', 'DOM.Iterable'] },
    files: ['consumer.ts'],
  }),
};

/** Prints, as JSON, the names each entry point of `exports` gives to `import` (ESM) or `require` (CJS). */
export const exportNamesProgram = (kind: 'esm' | 'cjs', entryPoints: string[]): string => {
  const load = kind === 'esm' ? 'await import(name)' : 'require(name)';
  const body = `const names = {};
for (const name of ${JSON.stringify(entryPoints)}) names[name] = Object.keys(${load}).filter((key) => key !== 'default' && key !== '__esModule').sort();
process.stdout.write(JSON.stringify(names));`;
  return kind === 'esm' ? body : `(async () => {\n${body}\n})();`;
};

/** A CommonJS program that does the whole cycle on the CommonJS build, as an app that `require`s idpool would. */
export const commonJsCycle = `const { createAuth } = require('idpool');
const { startLocalIdentityPool, startLocalOidcIssuer } = require('idpool/local');

(async () => {
  const issuer = await startLocalOidcIssuer();
  const pool = await startLocalIdentityPool({ providers: { [issuer.loginsKey]: { issuer: issuer.issuer, audience: issuer.audience } } });
  const auth = createAuth({ identityPoolId: pool.identityPoolId, endpoint: pool.endpoint });
  const { identityId } = await auth.federateToIdentityPool({ token: await issuer.mintToken({ sub: 'alice' }), provider: issuer.loginsKey });
  const cached = await auth.fetchAuthSession();
  const refreshed = await auth.fetchAuthSession({ forceRefresh: true });
  await auth.clearFederationToIdentityPool();
  const cleared = await auth.fetchAuthSession();
  await auth.stop();
  await pool.close();
  await issuer.close();
  console.log(JSON.stringify({
    identityId,
    cachedSame: cached.identityId === identityId,
    refreshedSame: refreshed.identityId === identityId,
    clearedHasCredentials: cleared.credentials !== undefined,
    requests: pool.stats().requests,
  }));
})().catch((error) => {
  console.error(error && error.name, error && error.message);
  process.exitCode = 1;
});
`;
