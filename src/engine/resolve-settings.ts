import { defaultTiming, type RetryPolicy } from '../model/timing-settings';
import { InvalidParameterException } from '../errors/error-classes';
import { isIdentityIdShaped } from '../login/identity-ids';
import { toLoginsKey } from '../login/logins-key';
import type { CredentialsAndIdentityIdProvider } from '../services/credentials-provider';
import type { RefreshHandler, TokenProvider } from '../services/token-provider';
import { MemoryStorage } from '../storage/memory-storage';
import type { KeyValueStorage } from '../storage/key-value-storage';
import { boundedClock, systemClock } from './clock';
import type { AuthOptions, AuthSettings } from './options';

const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
/** An hour, as for callbacks: far beyond any Cognito answer, and the refresh lease (timeout + margin) stays a valid timer. */
const MAX_REQUEST_TIMEOUT_MS = 3_600_000;
const DEFAULT_CALLBACK_TIMEOUT_MS = 30_000;
const MAX_CALLBACK_TIMEOUT_MS = 3_600_000;

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
  'callbackTimeoutMs', 'shareSession', 'inspect', 'clock', 'transport',
] as const satisfies readonly (keyof AuthOptions)[];

const knownOptionNames: ReadonlySet<string> = new Set(optionNames);

/**
 * A misspelt or retired option (`alowGuestAccess`, `client`) would otherwise be ignored without
 * a word, and the engine run on a default the app did not mean: it is a `TypeError` instead.
 */
function checkKnownNames(given: object): void {
  let names: string[];
  try {
    names = Object.keys(given);
  } catch {
    throw new TypeError('createAuth: options must be an object whose keys can be listed.');
  }
  for (const name of names) {
    if (knownOptionNames.has(name)) continue;
    const shown = JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);
    throw new TypeError(`createAuth: unknown option ${shown}; the options are ${optionNames.join(', ')}.`);
  }
}

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

// Shared by every engine without refresh handlers (never written: the settings type is readonly).
const NO_HANDLERS: ReadonlyMap<string, RefreshHandler> = new Map();

/**
 * Validates `createAuth` options and fills in defaults. Programmer errors (an option of the
 * wrong type) throw `TypeError` naming the option; a malformed identity pool id throws
 * `InvalidParameterException`, as Cognito would, but before any network call.
 */
export function resolveSettings(given: AuthOptions): AuthSettings {
  if (typeof given !== 'object' || given === null) throw new TypeError('createAuth: options must be an object.');
  checkKnownNames(given);
  const options = ownFields(given, optionNames, '') as unknown as AuthOptions;
  const { identityPoolId } = options;
  if (!isIdentityIdShaped(identityPoolId)) {
    throw new InvalidParameterException('identityPoolId must look like "us-east-1:00000000-0000-0000-0000-000000000000".', {
      recoverySuggestion: 'Copy the identity pool id from the Cognito console (Identity pools → your pool → Identity pool ID).',
    });
  }
  const region = options.region ?? identityPoolId.slice(0, identityPoolId.indexOf(':'));
  if (typeof region !== 'string' || !/^[a-z]{2,4}(-[a-z]+)+-\d+$/.test(region)) throw optionError('region', 'an AWS region such as "us-east-1"');
  if (options.endpoint !== undefined) {
    if (typeof options.endpoint !== 'string') throw optionError('endpoint', 'a URL string');
    let url: URL;
    try {
      url = new URL(options.endpoint);
    } catch {
      throw optionError('endpoint', 'a URL string');
    }
    // Logins tokens go to this endpoint: only http(s), and no credentials in the URL to leak.
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') {
      throw optionError('endpoint', 'an http(s) URL without user name or password');
    }
  }

  const storage = options.storage ?? new MemoryStorage();
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

  let refreshHandlers: ReadonlyMap<string, RefreshHandler> = NO_HANDLERS;
  if (options.refreshHandlers !== undefined) {
    const handlers = new Map<string, RefreshHandler>();
    refreshHandlers = handlers;
    if (typeof options.refreshHandlers !== 'object' || options.refreshHandlers === null) throw optionError('refreshHandlers', 'an object of functions');
    for (const [provider, handler] of handlerEntries(options.refreshHandlers)) {
      if (typeof provider !== 'string' || !isFunction(handler)) throw optionError(`refreshHandlers.${String(provider)}`, 'a function');
      handlers.set(toLoginsKey(provider), handler as RefreshHandler);
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
  const transport = options.transport;
  if (transport !== undefined && (typeof transport !== 'object' || transport === null || !isFunction(transport.send))) {
    throw optionError('transport', 'an object with send() (createSdkTransport(client), or createFetchTransport(options))');
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
    ...(transport !== undefined ? { transport } : {}),
  };
}
