import type { AuthMachineSettings } from '../../machines/auth.context';
import type { TimingSettings } from '../../src/model/timing-settings';

/**
 * Timing shared by the model and the engine under test. A back-off of base = cap = 1 ms makes
 * the jittered retry delay exactly 1 ms in both, so their clocks never drift apart.
 */
export const MODEL_TIMING: TimingSettings = {
  refreshAheadMs: 300_000,
  retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
};
/**
 * The engine's timeouts for Cognito requests and app callbacks. The model has none: a path holds
 * a call at the gate as long as it likes. Odd values no machine timer takes, kept apart from the
 * clock by `callTimeoutsApartClock` (the fault matrix and test/regressions test the timeouts).
 */
export const MODEL_CALL_TIMEOUTS = { requestTimeoutMs: 3_599_987, callbackTimeoutMs: 3_599_983 } as const;
/** Lifetime of credentials the local pool issues in model runs. */
export const CREDENTIALS_TTL_SECONDS = 3_600;
/** Lifetime of every OIDC token the model mints (shorter than the credentials, on purpose). */
export const OIDC_TOKEN_TTL_SECONDS = 1_800;
/** Another context's write lands this much later, so the follower sees it as newer than its own. */
export const SYNC_GAP_MS = 1_000;

/** Users an app federates: two OIDC (refreshable where a handler exists), two opaque Facebook ones. */
export type AppUser = 'alice' | 'bob' | 'fb1' | 'fb2';
/** Users a token provider (user pool) hands out. */
export type PoolUser = 'carol' | 'dave';
/** The user another context federates (SYNC). */
export const PEER_USER = 'pat';

export type RestoreVariant = 'empty' | 'creds' | 'login' | 'invalid' | 'error';

export type Outcome =
  // network calls
  | 'ok'
  | 'natural'
  | 'internal'
  | 'notAuthorized'
  | 'forget'
  // refresh handler / token provider
  | 'fail'
  | PoolUser
  | 'none'
  // restoring
  | RestoreVariant
  | 'peer';

/** A symbolic model event: what the app, the network, the clock or another context does. */
export interface ModelEvent {
  type: string;
  forceRefresh?: boolean;
  who?: AppUser | 'samePending';
  peer?: 'federate' | 'clear';
  to?: 'tokenExpiry' | 'credentialsExpiry' | 'guestExpiry';
  outcome?: Outcome;
}

/** One engine configuration the model is explored under. */
export interface ModelConfig {
  name: string;
  settings: AuthMachineSettings;
  /** FEDERATE variants offered. */
  federate: readonly AppUser[];
  restores: readonly RestoreVariant[];
  /** Offer SYNC events (another context on the same storage). */
  sync: boolean;
  /** Offer clock jumps to an expiry. */
  jumps: boolean;
  /** API calls offered besides FEDERATE. */
  calls: ReadonlyArray<'fetch' | 'forceRefresh' | 'clear' | 'refresh'>;
  /** Invoke outcomes offered (all when left out). */
  outcomes?: readonly Outcome[];
}

/**
 * The configurations together reach every branch: guest access on/off, a refresh handler for
 * the OIDC issuer (and none for Facebook), a token provider (user-pool session) with and
 * without guest access, another context sharing the storage. Each offers only the calls and
 * outcomes it needs beyond what the richest one ('app') covers, to keep the walk short.
 */
export function modelConfigs(oidcLoginsKey: string): ModelConfig[] {
  const handlers = [oidcLoginsKey];
  // Timing goes in as the engine passes it (createAuth's refreshAheadMs and retry).
  const timing = { refreshAheadMs: MODEL_TIMING.refreshAheadMs, retry: MODEL_TIMING.retry };
  return [
    {
      name: 'app',
      settings: { allowGuestAccess: true, hasTokenProvider: false, refreshHandlerKeys: handlers, ...timing },
      federate: ['alice', 'fb1', 'fb2'],
      restores: ['empty', 'creds', 'login', 'invalid', 'error'],
      sync: false,
      jumps: true,
      calls: ['fetch', 'forceRefresh', 'clear', 'refresh'],
    },
    {
      name: 'shared',
      settings: { allowGuestAccess: true, hasTokenProvider: false, refreshHandlerKeys: handlers, ...timing },
      federate: ['alice'],
      restores: ['empty'],
      sync: true,
      jumps: false,
      calls: ['fetch', 'clear'],
      outcomes: ['empty', 'ok', 'internal'],
    },
    {
      name: 'no-guest',
      settings: { allowGuestAccess: false, hasTokenProvider: false, refreshHandlerKeys: [], ...timing },
      federate: ['alice', 'fb1'],
      restores: ['empty'],
      sync: false,
      jumps: true,
      calls: ['fetch', 'forceRefresh', 'clear'],
    },
    {
      name: 'user-pool',
      settings: { allowGuestAccess: true, hasTokenProvider: true, refreshHandlerKeys: [], ...timing },
      federate: ['alice'],
      restores: ['empty'],
      sync: false,
      jumps: true,
      calls: ['fetch', 'forceRefresh', 'clear'],
      outcomes: ['empty', 'ok', 'natural', 'internal', 'fail', 'carol', 'dave', 'none'],
    },
    {
      name: 'user-pool-no-guest',
      settings: { allowGuestAccess: false, hasTokenProvider: true, refreshHandlerKeys: [], ...timing },
      federate: ['alice'],
      restores: ['empty'],
      sync: false,
      jumps: false,
      calls: ['fetch', 'clear'],
      outcomes: ['empty', 'ok', 'carol', 'none'],
    },
  ];
}
