import { CredentialsStore } from './credentials-store';
import { FaultQueue, type FaultSpec } from './faults';
import { resolveIdentityPoolOptions, type LocalIdentityPoolOptions } from './identity-pool-options';
import { IdentityPoolServer } from './identity-pool-server';
import { IdentityStore } from './identity-store';
import { LoginVerifier } from './login-verifier';
import { closeServer, listenOnLoopback } from './loopback-server';
import { PoolTokenSigner } from './pool-token-signer';
import { createGuardedServer, resolveServerGuards } from './server-guards';
import { StatsRecorder, type LocalPoolStats } from './stats';

/** A running local identity pool. */
export interface LocalIdentityPool {
  /** Base URL to give `CognitoIdentityClient` (and `STSClient`) as `endpoint`, e.g. `http://127.0.0.1:4000`. */
  readonly endpoint: string;
  readonly identityPoolId: string;
  readonly region: string;
  /** Request, error and concurrency counters per operation (a copy). */
  stats(): LocalPoolStats;
  resetStats(): void;
  /** Queues a fault for the next matching request(s). */
  injectFault(spec: FaultSpec): void;
  /** Drops faults not yet consumed. */
  clearFaults(): void;
  /** Deletes an identity as if on the server; later calls naming it get ResourceNotFoundException. Returns whether it existed. */
  forgetIdentity(identityId: string): boolean;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/**
 * Starts a Cognito Identity endpoint on 127.0.0.1 that the real
 * `CognitoIdentityClient` talks to unchanged (awsJson1.1): GetId,
 * GetCredentialsForIdentity, GetOpenIdToken and GetOpenIdTokenForDeveloperIdentity,
 * with Cognito's errors. It verifies provider tokens for real, issues
 * temporary credentials, answers STS GetCallerIdentity for correctly signed
 * requests made with them, counts requests and injects faults on demand.
 * Identities and credentials live in memory until `close()`.
 *
 * @example
 * ```ts
 * import { startLocalIdentityPool, startLocalOidcIssuer } from 'idpool/local';
 * import { CognitoIdentityClient, GetIdCommand, GetCredentialsForIdentityCommand } from '@aws-sdk/client-cognito-identity';
 *
 * const issuer = await startLocalOidcIssuer();
 * const pool = await startLocalIdentityPool({
 *   providers: { [issuer.loginsKey]: { issuer: issuer.issuer, audience: issuer.audience } },
 * });
 * const cognito = new CognitoIdentityClient({ region: pool.region, endpoint: pool.endpoint });
 * const Logins = { [issuer.loginsKey]: await issuer.mintToken({ sub: 'alice' }) };
 * const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins }));
 * const { Credentials } = await cognito.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
 * console.log(pool.stats().requests.GetId); // 1
 * await pool.close();
 * await issuer.close();
 * ```
 */
export async function startLocalIdentityPool(options: LocalIdentityPoolOptions = {}): Promise<LocalIdentityPool> {
  const settings = resolveIdentityPoolOptions(options);
  const guards = resolveServerGuards(options);
  const poolTokens = await PoolTokenSigner.create(settings.region, settings.identityPoolId, settings.now);
  const identities = new IdentityStore(settings.region);
  const stats = new StatsRecorder();
  const faults = new FaultQueue();
  const handler = new IdentityPoolServer({
    ctx: {
      settings,
      identities,
      credentials: new CredentialsStore(),
      logins: new LoginVerifier(settings.providers, poolTokens, settings.now),
      poolTokens,
    },
    stats,
    faults,
    jwks: () => poolTokens.jwks(),
  });
  const server = createGuardedServer(guards, handler.handle, handler.refuseHost);
  const port = await listenOnLoopback(server, settings.port);

  return {
    endpoint: `http://127.0.0.1:${port}`,
    identityPoolId: settings.identityPoolId,
    region: settings.region,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    injectFault: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    forgetIdentity: (identityId) => identities.forget(identityId),
    close: async () => {
      handler.abortPending();
      await closeServer(server);
    },
  };
}
