import type { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import type { InspectionEvent, Observer } from 'xstate';
import { defaultTiming } from '../machines/session-rules';
import type { RetryPolicy } from '../machines/session-rules';
import { InvalidParameterException } from './errors/error-classes';
import { isIdentityIdShaped } from './login/identity-ids';
import { toLoginsKey } from './login/logins-key';
import type { CredentialsAndIdentityIdProvider } from './services/credentials-provider';
import type { RefreshHandler, TokenProvider } from './services/token-provider';
import { createMemoryStorage } from './storage/memory-storage';
import type { KeyValueStorage } from './storage/key-value-storage';

/** The clock idpool reads and schedules on; inject one to test expiry without waiting. */
export interface AuthClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/** Options of `createAuth`. Only `identityPoolId` is required. */
export interface AuthOptions {
  /** `region:uuid`; the region comes from the prefix unless `region` is given. */
  identityPoolId: string;
  region?: string;
  /** Any Cognito Identity endpoint, e.g. the local identity pool's. */
  endpoint?: string;
  /** Serve unauthenticated (guest) credentials while signed out. Default false. */
  allowGuestAccess?: boolean;
  /** Where the session is kept. Default: in memory. */
  storage?: KeyValueStorage;
  /** Also store the AWS credentials (not only identity id and provider token). Default false. */
  persistCredentials?: boolean;
  /** Scopes the storage keys ("access group"); `migrateFrom` moves an existing session in. */
  namespace?: string | { name: string; migrateFrom?: string };
  /** New provider tokens by Logins key or short name, for when the federated token expires. */
  refreshHandlers?: Record<string, RefreshHandler>;
  /** A user-pool (or any OIDC) token source whose id token is federated by itself. */
  tokenProvider?: TokenProvider;
  /** Full escape hatch: credentials come from here instead of Cognito Identity calls. */
  credentialsProvider?: CredentialsAndIdentityIdProvider;
  /** Supplies `clientMetadata` to every internal refresh. */
  clientMetadataProvider?: () => Promise<Record<string, string>>;
  /** Refresh this long before the credentials' expiration. Default 5 minutes. */
  refreshAheadMs?: number;
  /** Back-off of failed refreshes. Default 4 attempts, 250 ms base, 8 s cap. */
  retry?: Partial<RetryPolicy>;
  /** A Cognito call that has not answered after this long fails with `NetworkError`. Default 15 s; 1 ms to 1 hour. */
  requestTimeoutMs?: number;
  /**
   * How long an app callback (a refresh handler, `tokenProvider.getTokens`,
   * `credentialsProvider.getCredentialsAndIdentityId`, `clientMetadataProvider`) may take before
   * the call it serves fails: with `TokenRefreshException` (refresh handler, token provider,
   * client-metadata provider) or `NetworkError` (credentials provider). Measured on `clock`.
   * Default 30 s; 1 ms to 1 hour.
   *
   * @example
   * ```ts
   * // Refresh handlers that open an interactive sign-in may need longer.
   * createAuth({ identityPoolId, refreshHandlers, callbackTimeoutMs: 120_000 });
   * ```
   */
  callbackTimeoutMs?: number;
  /** Follow other tabs, workers or processes sharing the storage and namespace. Default true. */
  shareSession?: boolean;
  /** Passed to XState's `createActor`: sees the machine's events and snapshots, secrets redacted. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Test hook: the clock for expiry decisions and the machine's timers. */
  clock?: AuthClock;
  /** Test hook: a Cognito Identity client to use instead of one built from `region` and `endpoint`. */
  client?: CognitoIdentityClient;
}

export interface AuthSettings {
  identityPoolId: string;
  region: string;
  endpoint?: string;
  allowGuestAccess: boolean;
  storage: KeyValueStorage;
  persistCredentials: boolean;
  namespace: string;
  migrateFrom?: string;
  refreshHandlers: Map<string, RefreshHandler>;
  tokenProvider?: TokenProvider;
  credentialsProvider?: CredentialsAndIdentityIdProvider;
  clientMetadataProvider?: () => Promise<Record<string, string>>;
  refreshAheadMs: number;
  retry: RetryPolicy;
  requestTimeoutMs: number;
  callbackTimeoutMs: number;
  shareSession: boolean;
  inspect?: AuthOptions['inspect'];
  clock: AuthClock;
  client?: CognitoIdentityClient;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
/** An hour, as for callbacks: far beyond any Cognito answer, and the refresh lease (timeout + margin) stays a valid timer. */
const MAX_REQUEST_TIMEOUT_MS = 3_600_000;
const DEFAULT_CALLBACK_TIMEOUT_MS = 30_000;
const MAX_CALLBACK_TIMEOUT_MS = 3_600_000;

/**
 * The longest delay `setTimeout` honours (2^31-1 ms, about 24.8 days): Node and browsers fire
 * a longer one after 1 ms, which turned long-lived credentials into a storm of refreshes.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** A timer longer than the maximum: a chain of maximal timers, `current` being the one armed. */
class ChainedTimeout {
  current: unknown;
}

const boundedClocks = new WeakMap<AuthClock, AuthClock>();

/**
 * `clock` with delays of any length: a delay over {@link MAX_TIMER_DELAY_MS} re-arms itself
 * until its time is up (`Infinity` never fires), NaN and negative delays run at once. Short
 * delays reach `clock` unchanged. One wrapper per clock, so engines on one clock share it.
 */
export function boundedClock(clock: AuthClock): AuthClock {
  const known = boundedClocks.get(clock);
  if (known) return known;
  // A clock whose now() turns NaN or ±Infinity would make every expiry check and delay NaN (a
  // timer storm): time then stands at the last finite reading instead.
  let lastNow = 0;
  const bounded: AuthClock = {
    now: () => {
      const now = clock.now();
      if (typeof now === 'number' && Number.isFinite(now)) lastNow = now;
      return lastNow;
    },
    setTimeout(callback, ms) {
      const delay = typeof ms === 'number' && ms > 0 ? ms : 0;
      if (delay <= MAX_TIMER_DELAY_MS) return clock.setTimeout(callback, delay);
      const chained = new ChainedTimeout();
      let remaining = delay;
      const arm = (): void => {
        const step = Math.min(remaining, MAX_TIMER_DELAY_MS);
        remaining -= step;
        chained.current = clock.setTimeout(remaining > 0 ? arm : callback, step);
      };
      arm();
      return chained;
    },
    clearTimeout(id) {
      clock.clearTimeout(id instanceof ChainedTimeout ? id.current : id);
    },
  };
  boundedClocks.set(clock, bounded);
  boundedClocks.set(bounded, bounded);
  return bounded;
}

const systemClock: AuthClock = boundedClock({
  now: () => Date.now(),
  // Looked up at call time so fake timers installed after createAuth still apply.
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
});

function optionError(name: string, expected: string): TypeError {
  return new TypeError(`createAuth: option "${name}" must be ${expected}.`);
}

function optionalBoolean(options: AuthOptions, name: 'allowGuestAccess' | 'persistCredentials' | 'shareSession', fallback: boolean): boolean {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw optionError(name, 'a boolean');
  return value;
}

function nonNegativeMs(value: unknown, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw optionError(name, `a finite number of milliseconds ≥ ${min}`);
  return value;
}

function boundedMs(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw optionError(name, `a number of milliseconds from ${min} to ${max}`);
  }
  return value;
}

const optionNames = [
  'identityPoolId', 'region', 'endpoint', 'allowGuestAccess', 'storage', 'persistCredentials', 'namespace', 'refreshHandlers',
  'tokenProvider', 'credentialsProvider', 'clientMetadataProvider', 'refreshAheadMs', 'retry', 'requestTimeoutMs',
  'callbackTimeoutMs', 'shareSession', 'inspect', 'clock', 'client',
] as const satisfies readonly (keyof AuthOptions)[];

/**
 * The own properties `names` of an options object, read once into a null-prototype copy: a
 * property inherited from a polluted `Object.prototype` (an `endpoint` or `credentialsProvider`
 * that would receive every token) is not an option, and a getter or Proxy trap that throws
 * becomes a `TypeError` naming the option.
 */
function ownFields(value: object, names: readonly string[], prefix: string): Record<string, unknown> {
  const fields = Object.create(null) as Record<string, unknown>;
  for (const name of names) {
    try {
      if (Object.hasOwn(value, name)) fields[name] = Reflect.get(value, name);
    } catch {
      throw optionError(`${prefix}${name}`, 'readable');
    }
  }
  return fields;
}

/** The entries of `refreshHandlers`: a plain object's own enumerable properties, or a Map's entries. */
function handlerEntries(handlers: object): [unknown, unknown][] {
  try {
    return handlers instanceof Map ? [...(handlers as Map<unknown, unknown>).entries()] : Object.entries(handlers);
  } catch {
    throw optionError('refreshHandlers', 'an object of functions');
  }
}

function isFunction(value: unknown): value is (...args: never[]) => unknown {
  return typeof value === 'function';
}

/**
 * Validates `createAuth` options and fills in defaults. Programmer errors (an option of the
 * wrong type) throw `TypeError` naming the option; a malformed identity pool id throws
 * `InvalidParameterException`, as Cognito would, but before any network call.
 */
export function resolveSettings(given: AuthOptions): AuthSettings {
  if (typeof given !== 'object' || given === null) throw new TypeError('createAuth: options must be an object.');
  const options = ownFields(given, optionNames, '') as unknown as AuthOptions;
  const { identityPoolId } = options;
  if (!isIdentityIdShaped(identityPoolId)) {
    throw new InvalidParameterException('identityPoolId must look like "us-east-1:00000000-0000-0000-0000-000000000000".', {
      recoverySuggestion: 'Copy the identity pool id from the Cognito console (Identity pools → your pool → Identity pool ID).',
    });
  }
  const region = options.region ?? identityPoolId.slice(0, identityPoolId.indexOf(':'));
  if (typeof region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw optionError('region', 'an AWS region such as "us-east-1"');
  if (options.endpoint !== undefined) {
    if (typeof options.endpoint !== 'string') throw optionError('endpoint', 'a URL string');
    try {
      new URL(options.endpoint);
    } catch {
      throw optionError('endpoint', 'a URL string');
    }
  }

  const storage = options.storage ?? createMemoryStorage();
  for (const method of ['getItem', 'setItem', 'removeItem'] as const) {
    if (!isFunction((storage as unknown as Record<string, unknown>)[method])) throw optionError('storage', `a KeyValueStorage with ${method}()`);
  }

  let namespace = 'default';
  let migrateFrom: string | undefined;
  const ns = options.namespace;
  if (typeof ns === 'string') namespace = ns;
  else if (typeof ns === 'object' && ns !== null) {
    const { name, migrateFrom: from } = ownFields(ns, ['name', 'migrateFrom'], 'namespace.');
    if (typeof name !== 'string') throw optionError('namespace.name', 'a string');
    namespace = name;
    if (from !== undefined) {
      if (typeof from !== 'string' || !/^[\w.-]{1,128}$/.test(from)) {
        throw optionError('namespace.migrateFrom', 'a name of letters, digits, ".", "_" or "-"');
      }
      migrateFrom = from;
    }
  } else if (ns !== undefined) throw optionError('namespace', 'a string or { name, migrateFrom? }');
  if (!/^[\w.-]{1,128}$/.test(namespace)) throw optionError('namespace', 'a name of letters, digits, ".", "_" or "-"');

  const refreshHandlers = new Map<string, RefreshHandler>();
  if (options.refreshHandlers !== undefined) {
    if (typeof options.refreshHandlers !== 'object' || options.refreshHandlers === null) throw optionError('refreshHandlers', 'an object of functions');
    for (const [provider, handler] of handlerEntries(options.refreshHandlers)) {
      if (typeof provider !== 'string' || !isFunction(handler)) throw optionError(`refreshHandlers.${String(provider)}`, 'a function');
      refreshHandlers.set(toLoginsKey(provider), handler as RefreshHandler);
    }
  }
  if (options.tokenProvider !== undefined && !isFunction(options.tokenProvider?.getTokens)) {
    throw optionError('tokenProvider', 'an object with getTokens()');
  }
  const cp = options.credentialsProvider;
  if (cp !== undefined && (!isFunction(cp?.getCredentialsAndIdentityId) || !isFunction(cp.clearCredentialsAndIdentityId))) {
    throw optionError('credentialsProvider', 'an object with getCredentialsAndIdentityId() and clearCredentialsAndIdentityId()');
  }
  if (options.clientMetadataProvider !== undefined && !isFunction(options.clientMetadataProvider)) {
    throw optionError('clientMetadataProvider', 'a function');
  }
  const inspect = options.inspect;
  if (inspect !== undefined && !isFunction(inspect) && (typeof inspect !== 'object' || inspect === null)) {
    throw optionError('inspect', 'a function or an observer');
  }
  const givenClock = options.clock ?? systemClock;
  if (typeof givenClock !== 'object' || givenClock === null || !isFunction(givenClock.now) || !isFunction(givenClock.setTimeout) || !isFunction(givenClock.clearTimeout)) {
    throw optionError('clock', 'an object with now(), setTimeout() and clearTimeout()');
  }
  let firstNow: unknown;
  try {
    firstNow = givenClock.now();
  } catch {
    firstNow = undefined;
  }
  if (typeof firstNow !== 'number' || !Number.isFinite(firstNow)) throw optionError('clock', 'a clock whose now() returns a finite number of milliseconds');
  const clock = boundedClock(givenClock);

  const givenRetry = options.retry === undefined ? {} : options.retry;
  if (typeof givenRetry !== 'object' || givenRetry === null || Array.isArray(givenRetry)) throw optionError('retry', 'an object');
  const retryOption = ownFields(givenRetry, ['maxAttempts', 'baseDelayMs', 'maxDelayMs'], 'retry.') as Partial<RetryPolicy>;
  const retry: RetryPolicy = {
    maxAttempts: nonNegativeMs(retryOption.maxAttempts, 'retry.maxAttempts', defaultTiming.retry.maxAttempts, 1),
    baseDelayMs: nonNegativeMs(retryOption.baseDelayMs, 'retry.baseDelayMs', defaultTiming.retry.baseDelayMs, 1),
    maxDelayMs: nonNegativeMs(retryOption.maxDelayMs, 'retry.maxDelayMs', defaultTiming.retry.maxDelayMs, 1),
  };
  if (!Number.isInteger(retry.maxAttempts)) throw optionError('retry.maxAttempts', 'a whole number ≥ 1');

  return {
    identityPoolId,
    region,
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    allowGuestAccess: optionalBoolean(options, 'allowGuestAccess', false),
    storage,
    persistCredentials: optionalBoolean(options, 'persistCredentials', false),
    namespace,
    ...(migrateFrom !== undefined ? { migrateFrom } : {}),
    refreshHandlers,
    ...(options.tokenProvider !== undefined ? { tokenProvider: options.tokenProvider } : {}),
    ...(cp !== undefined ? { credentialsProvider: cp } : {}),
    ...(options.clientMetadataProvider !== undefined ? { clientMetadataProvider: options.clientMetadataProvider } : {}),
    refreshAheadMs: nonNegativeMs(options.refreshAheadMs, 'refreshAheadMs', defaultTiming.refreshAheadMs),
    retry,
    requestTimeoutMs: boundedMs(options.requestTimeoutMs, 'requestTimeoutMs', DEFAULT_REQUEST_TIMEOUT_MS, 1, MAX_REQUEST_TIMEOUT_MS),
    callbackTimeoutMs: boundedMs(options.callbackTimeoutMs, 'callbackTimeoutMs', DEFAULT_CALLBACK_TIMEOUT_MS, 1, MAX_CALLBACK_TIMEOUT_MS),
    // The default memory storage is this engine's alone: nothing to follow, no lease to take.
    shareSession: optionalBoolean(options, 'shareSession', true) && options.storage !== undefined,
    ...(inspect !== undefined ? { inspect } : {}),
    clock,
    ...(options.client !== undefined ? { client: options.client } : {}),
  };
}
