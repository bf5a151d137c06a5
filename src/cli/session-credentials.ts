import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { filter, firstValueFrom } from 'rxjs';
import { createAuth, type Auth, type AuthSession } from '../index';
import { createFileStorage } from '../storage/file-storage';
import { checkCredentials } from './caller-identity-check';
import { toCredentialProcessOutput, type CredentialProcessOutput } from './credential-process-output';
import { CACHE_MARGIN_MS } from './credentials-cache';
import { IdTokenRenewer, LoginRequiredError } from './id-token-renewer';
import { loginsKeyOfIssuer, readLoginRecord } from './login-record';
import { defaultSessionDirectory, sessionFile } from './session-files';

export interface SessionPool {
  readonly session: string;
  readonly identityPoolId: string;
  readonly region?: string;
  readonly endpoint?: string;
}

/** What one run did, for `--verbose`-free tests and messages: no secrets. */
export interface SessionCredentials {
  readonly output: CredentialProcessOutput;
  /** The cached credentials were refused by the endpoint's STS and replaced. */
  readonly replacedRejected?: string;
}

/** One engine record per pool and endpoint in the session file: a pool elsewhere never gets these credentials. */
function namespaceOf(pool: SessionPool): string {
  const digest = createHash('sha256').update(JSON.stringify([pool.endpoint ?? '', pool.region ?? ''])).digest('hex');
  return `cli-${digest.slice(0, 24)}`;
}

const hasCredentials = (session: AuthSession, loginsKey: string): session is AuthSession & Required<Pick<AuthSession, 'credentials'>> =>
  session.credentials !== undefined && session.federatedProvider === loginsKey;

/**
 * Credentials for a session made by `idpool login`, through the engine: the session file is the
 * engine's storage (identity id, id token and credentials persisted), and the id token is renewed by
 * the engine's refresh handler when its rules say so. Credentials with less than
 * {@link CACHE_MARGIN_MS} left are refreshed first; with a custom endpoint, credentials its STS
 * refuses (a restarted local pool) are replaced once.
 */
export async function sessionCredentials(pool: SessionPool): Promise<SessionCredentials> {
  const path = sessionFile(defaultSessionDirectory(), pool.session);
  try {
    await access(path);
  } catch {
    throw new LoginRequiredError(`there is no session '${pool.session}'`);
  }
  const storage = createFileStorage(path, { watch: false });
  let auth: Auth | undefined;
  const renewer = new IdTokenRenewer(storage);
  try {
    const login = await readLoginRecord(storage);
    if (login === undefined) throw new LoginRequiredError(`session '${pool.session}' holds no sign-in`);
    const loginsKey = loginsKeyOfIssuer(login.issuer);
    auth = createAuth({
      identityPoolId: pool.identityPoolId,
      ...(pool.region === undefined ? {} : { region: pool.region }),
      ...(pool.endpoint === undefined ? {} : { endpoint: pool.endpoint }),
      storage,
      persistCredentials: true,
      namespace: namespaceOf(pool),
      refreshHandlers: { [loginsKey]: renewer.handler },
      // Discovery and a refresh at the provider, each bounded by PROVIDER_TIMEOUT_S.
      callbackTimeoutMs: 45_000,
    });
    const engine = auth;
    await firstValueFrom(engine.state$.pipe(filter((state) => state.value !== 'restoring')));
    const federate = async (): Promise<AuthSession> => {
      const { token } = await renewer.usableToken();
      await engine.federateToIdentityPool({ token, provider: loginsKey });
      return engine.fetchAuthSession();
    };
    let session = await engine.fetchAuthSession().catch((error: unknown) => {
      if (renewer.failure !== undefined) throw renewer.failure;
      // The stored session ran out and the engine signed out: start over from the sign-in.
      return error instanceof Error && error.name === 'SessionExpiredException' ? {} : Promise.reject(error);
    });
    if (!hasCredentials(session, loginsKey)) session = await federate();
    else if (session.credentials.expiration.getTime() - Date.now() < CACHE_MARGIN_MS) session = await engine.fetchAuthSession({ forceRefresh: true });
    if (!hasCredentials(session, loginsKey)) throw new Error('the identity pool gave no credentials for this session');

    let output = toCredentialProcessOutput(session.credentials);
    if (pool.endpoint === undefined) return { output };
    const check = await checkCredentials(pool.endpoint, pool.region ?? pool.identityPoolId.split(':')[0] ?? '', output);
    if (check.kind !== 'rejected') return { output };
    session = await engine.fetchAuthSession({ forceRefresh: true });
    if (!hasCredentials(session, loginsKey)) throw new Error('the identity pool gave no credentials for this session');
    output = toCredentialProcessOutput(session.credentials);
    return { output, replacedRejected: check.code };
  } catch (error) {
    throw renewer.failure ?? error;
  } finally {
    await auth?.stop();
    await storage.close();
  }
}
