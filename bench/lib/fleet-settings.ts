/**
 * How big the Redis fleet is and how long it runs. Real time: credentials live seconds, not an
 * hour, so that several lifetimes pass in well under a minute (16 processes cannot share one
 * simulated clock without a coordinator that would itself be the thing measured).
 */
export interface FleetSettings {
  readonly mode: 'full' | 'quick';
  readonly processes: number;
  readonly enginesPerProcess: number;
  /** Lifetime of the credentials the pool issues, seconds (Cognito's `Expiration` is whole seconds). */
  readonly credentialsTtlSeconds: number;
  /** Every engine's `refreshAheadMs`: whole seconds, so renewals keep falling on the same fraction of a second. */
  readonly refreshAheadMs: number;
  /** Renewals the measured window spans. */
  readonly lifetimes: number;
  /** Every engine of every process makes one `fetchAuthSession()` this often. */
  readonly callIntervalMs: number;
  /** Added to every Cognito answer: a realistic round trip, so a caller waiting on it cannot go unnoticed. */
  readonly cognitoLatencyMs: number;
}

export const fullFleetSettings: FleetSettings = {
  mode: 'full',
  processes: 16,
  enginesPerProcess: 100,
  credentialsTtlSeconds: 8,
  refreshAheadMs: 3_000,
  lifetimes: 4,
  callIntervalMs: 200,
  cognitoLatencyMs: 50,
};

/** Proves the multi-process path works; its numbers are not for publishing. */
export const quickFleetSettings: FleetSettings = {
  mode: 'quick',
  processes: 2,
  enginesPerProcess: 5,
  credentialsTtlSeconds: 3,
  refreshAheadMs: 1_000,
  lifetimes: 2,
  callIntervalMs: 50,
  cognitoLatencyMs: 50,
};

export function fleetSettingsFor(mode: 'full' | 'quick'): FleetSettings {
  return mode === 'full' ? fullFleetSettings : quickFleetSettings;
}

/**
 * Time from one renewal to the next. Cognito's `Expiration` is a whole second and the fleet
 * renews `refreshAheadMs` (whole seconds) before it, so renewals fall just after whole seconds,
 * each one lifetime less the lead after the previous (half the life when that is shorter).
 */
export function renewalPeriodMs(settings: FleetSettings): number {
  const lifeMs = settings.credentialsTtlSeconds * 1000;
  const lead = lifeMs < 2 * settings.refreshAheadMs ? lifeMs / 2 : settings.refreshAheadMs;
  return lifeMs - lead;
}
