// The runtime smoke run, the same code on every runtime: federate → cached fetch → refresh → clear
// against the local identity pool (served from Node by the test), with web storage where the runtime
// has localStorage and memory storage elsewhere. It reports what it saw and which web APIs the
// runtime lacks; it never reports a token or secret (only whether two access key ids are equal).
import { createAuth, createMemoryStorage, createWebStorage, type AuthEvent, type KeyValueStorage } from 'idpool';

export interface SmokeConfig {
  identityPoolId: string;
  endpoint: string;
  /** The local OIDC issuer: the run gets its id token from the issuer's dev-only `/mint` route. */
  issuer: string;
  /** The subject the token is minted for. */
  sub: string;
}

/** The web APIs idpool uses when they exist, and whether this runtime has each. */
export interface RuntimeApis {
  randomUUID: boolean;
  BroadcastChannel: boolean;
  webLocks: boolean;
  localStorage: boolean;
}

export interface SmokeStep {
  ok: boolean;
  /** What the step checked, or the error's name and message. */
  detail: string;
}

export interface SmokeReport {
  apis: RuntimeApis;
  storage: 'localStorage' | 'memory';
  steps: { federate: SmokeStep; cachedFetch: SmokeStep; refresh: SmokeStep; clear: SmokeStep };
  events: string[];
}

function localStorageOf(): Storage | undefined {
  try {
    // Reading it can throw (opaque origins, Deno without a location, disabled storage).
    const storage = (globalThis as { localStorage?: Storage }).localStorage;
    return storage !== undefined && typeof storage.getItem === 'function' ? storage : undefined;
  } catch {
    return undefined;
  }
}

export function detectApis(): RuntimeApis {
  const scope = globalThis as { crypto?: { randomUUID?: unknown }; BroadcastChannel?: unknown; navigator?: { locks?: { request?: unknown } } };
  return {
    randomUUID: typeof scope.crypto?.randomUUID === 'function',
    BroadcastChannel: typeof scope.BroadcastChannel === 'function',
    webLocks: typeof scope.navigator?.locks?.request === 'function',
    localStorage: localStorageOf() !== undefined,
  };
}

const failed = (error: unknown): SmokeStep => {
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  return { ok: false, detail: `${name}: ${message}` };
};
const skipped: SmokeStep = { ok: false, detail: 'not reached' };

/** An id token from the local issuer (a real app gets it from its sign-in flow). */
async function mintToken({ issuer, sub }: SmokeConfig): Promise<string> {
  const response = await fetch(`${issuer}/mint?sub=${encodeURIComponent(sub)}`);
  if (!response.ok) throw new Error(`The local issuer answered ${response.status}`);
  return ((await response.json()) as { id_token: string }).id_token;
}

export async function runSmoke(config: SmokeConfig): Promise<SmokeReport> {
  const apis = detectApis();
  const local = localStorageOf();
  let storage: KeyValueStorage = createMemoryStorage();
  if (local !== undefined) {
    local.clear(); // a previous run's session on the same origin would be restored
    storage = createWebStorage(local);
  }
  const report: SmokeReport = {
    apis,
    storage: local === undefined ? 'memory' : 'localStorage',
    steps: { federate: skipped, cachedFetch: skipped, refresh: skipped, clear: skipped },
    events: [],
  };
  const auth = createAuth({ identityPoolId: config.identityPoolId, endpoint: config.endpoint, storage });
  const subscription = auth.events$.subscribe((event: AuthEvent) => report.events.push(event.type));
  try {
    const provider = new URL(config.issuer).host;
    const federated = await mintToken(config)
      .then((token) => auth.federateToIdentityPool({ token, provider }))
      .catch((error: unknown) => void (report.steps.federate = failed(error)));
    if (federated === undefined) return report;
    const { identityId, credentials } = federated;
    report.steps.federate = { ok: /^[\w-]+:[0-9a-f-]{36}$/.test(identityId), detail: 'identity id and credentials' };

    const cached = await auth.fetchAuthSession();
    report.steps.cachedFetch = {
      ok: cached.identityId === identityId && cached.credentials?.accessKeyId === credentials.accessKeyId,
      detail: 'same identity, same credentials',
    };

    const refreshed = await auth.fetchAuthSession({ forceRefresh: true });
    report.steps.refresh = {
      ok: refreshed.identityId === identityId && refreshed.credentials !== undefined && refreshed.credentials.accessKeyId !== credentials.accessKeyId,
      detail: 'same identity, new credentials',
    };

    await auth.clearFederationToIdentityPool();
    const cleared = await auth.fetchAuthSession();
    report.steps.clear = { ok: cleared.credentials === undefined && cleared.identityId === undefined, detail: 'no credentials, no identity' };
  } catch (error) {
    const step = (['cachedFetch', 'refresh', 'clear'] as const).find((name) => report.steps[name] === skipped);
    if (step !== undefined) report.steps[step] = failed(error);
  } finally {
    subscription.unsubscribe();
    await auth.stop();
  }
  return report;
}
