import {
  COGNITO_LOGINS_KEY,
  DEFAULT_DEVELOPER_PROVIDER_NAME,
  DEFAULT_IDENTITY_POOL_ID,
  LOCAL_DEVELOPER_CREDENTIALS,
} from './local-defaults';
import { checkClock, checkPort } from './option-checks';
import type { ServerGuardOptions } from './server-guards';

/** An OpenID Connect provider: tokens are checked against the issuer's JWKS, `iss`, `aud`, `exp` and `nbf`. */
export interface OidcProviderConfig {
  /** Issuer URL, e.g. `http://127.0.0.1:4010`; its discovery document names the JWKS. */
  readonly issuer: string;
  /** Client ids the token's `aud` must contain one of; omitted: any audience. */
  readonly audience?: string | readonly string[];
}

/**
 * A provider whose tokens are not JWTs (Facebook, Login with Amazon, …): any
 * token is trusted. Its subject is the text before the first `:`
 * (`'fb-user-1:token-abc'` → `fb-user-1`), or the SHA-256 of the whole token when it has no `:`.
 */
export interface OpaqueProviderConfig {
  readonly opaque: true;
}

/** How the pool checks the tokens under one Logins key. */
export type ProviderConfig = OidcProviderConfig | OpaqueProviderConfig;

/** Access key pair that may sign GetOpenIdTokenForDeveloperIdentity (your backend's IAM credentials). */
export interface DeveloperCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Options of {@link startLocalIdentityPool}; the server guards (timeouts, allowed hosts) are described on {@link ServerGuardOptions}. */
export interface LocalIdentityPoolOptions extends ServerGuardOptions {
  /** Port on 127.0.0.1; default 0 (an ephemeral port). */
  readonly port?: number;
  /** Region; default the prefix of `identityPoolId`, else `us-east-1`. */
  readonly region?: string;
  /** Pool id `region:uuid`; default `<region>:00000000-0000-4000-8000-000000000000`. */
  readonly identityPoolId?: string;
  /** Logins keys the pool accepts, and how it checks their tokens. `cognito-identity.amazonaws.com` is always accepted. */
  readonly providers?: Readonly<Record<string, ProviderConfig>>;
  /** Whether guests (GetId without Logins) get identities and credentials; default false. */
  readonly allowUnauthenticated?: boolean;
  /** Lifetime of issued credentials in seconds; default 3600. */
  readonly credentialsTtlSeconds?: number;
  /** Developer provider name for GetOpenIdTokenForDeveloperIdentity; default `login.idpool.local`. */
  readonly developerProviderName?: string;
  /** Credentials whose SigV4 signature GetOpenIdTokenForDeveloperIdentity requires; default {@link LOCAL_DEVELOPER_CREDENTIALS}. */
  readonly developerCredentials?: DeveloperCredentials;
  /** Clock in epoch ms used for every time decision; default `Date.now`. */
  readonly now?: () => number;
}

export interface IdentityPoolSettings {
  readonly port: number;
  readonly region: string;
  readonly identityPoolId: string;
  readonly providers: ReadonlyMap<string, ProviderConfig>;
  readonly allowUnauthenticated: boolean;
  readonly credentialsTtlSeconds: number;
  readonly developerProviderName: string;
  readonly developerCredentials: DeveloperCredentials;
  readonly now: () => number;
}

const POOL_ID_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function checkProvider(key: string, config: unknown): ProviderConfig {
  if (typeof config !== 'object' || config === null) {
    throw new TypeError(`"providers['${key}']" must be { issuer, audience? } or { opaque: true }`);
  }
  if ('opaque' in config && config.opaque === true) return { opaque: true };
  if (!('issuer' in config) || typeof config.issuer !== 'string' || !URL.canParse(config.issuer)) {
    throw new TypeError(`"providers['${key}'].issuer" must be an issuer URL`);
  }
  const audience = 'audience' in config ? config.audience : undefined;
  const validAudience =
    audience === undefined ||
    typeof audience === 'string' ||
    (Array.isArray(audience) && audience.every((entry) => typeof entry === 'string'));
  if (!validAudience) throw new TypeError(`"providers['${key}'].audience" must be a string or an array of strings`);
  return audience === undefined
    ? { issuer: config.issuer }
    : { issuer: config.issuer, audience: audience as string | readonly string[] };
}

/** Validates options (TypeError naming the option) and fills in defaults. */
export function resolveIdentityPoolOptions(options: LocalIdentityPoolOptions): IdentityPoolSettings {
  if (options.region !== undefined && !REGION_PATTERN.test(options.region)) {
    throw new TypeError('"region" must look like us-east-1');
  }
  if (options.identityPoolId !== undefined && !POOL_ID_PATTERN.test(options.identityPoolId)) {
    throw new TypeError('"identityPoolId" must be region:uuid, e.g. us-east-1:00000000-0000-4000-8000-000000000000');
  }
  const poolRegion = options.identityPoolId?.split(':')[0];
  if (options.region !== undefined && poolRegion !== undefined && poolRegion !== options.region) {
    throw new TypeError('"region" must match the region prefix of "identityPoolId"');
  }
  const region = options.region ?? poolRegion ?? 'us-east-1';
  const identityPoolId = options.identityPoolId ?? `${region}:${DEFAULT_IDENTITY_POOL_ID.split(':')[1]}`;

  const ttl = options.credentialsTtlSeconds ?? 3600;
  if (!Number.isFinite(ttl) || ttl <= 0) throw new TypeError('"credentialsTtlSeconds" must be a positive number');

  const developerProviderName = options.developerProviderName ?? DEFAULT_DEVELOPER_PROVIDER_NAME;
  if (typeof developerProviderName !== 'string' || developerProviderName === '' || developerProviderName.length > 128) {
    throw new TypeError('"developerProviderName" must be a non-empty string of at most 128 characters');
  }
  const developerCredentials = options.developerCredentials ?? LOCAL_DEVELOPER_CREDENTIALS;
  if (
    typeof developerCredentials.accessKeyId !== 'string' ||
    developerCredentials.accessKeyId === '' ||
    typeof developerCredentials.secretAccessKey !== 'string' ||
    developerCredentials.secretAccessKey === ''
  ) {
    throw new TypeError('"developerCredentials" must have a non-empty accessKeyId and secretAccessKey');
  }

  const providers = new Map<string, ProviderConfig>();
  for (const [key, config] of Object.entries(options.providers ?? {})) {
    if (key === COGNITO_LOGINS_KEY) throw new TypeError(`"providers['${key}']": that key is the pool's own and always accepted`);
    if (key === developerProviderName) throw new TypeError(`"providers['${key}']" clashes with "developerProviderName"`);
    providers.set(key, checkProvider(key, config));
  }

  return {
    port: checkPort(options.port, 'port'),
    region,
    identityPoolId,
    providers,
    allowUnauthenticated: options.allowUnauthenticated ?? false,
    credentialsTtlSeconds: ttl,
    developerProviderName,
    developerCredentials,
    now: checkClock(options.now, 'now'),
  };
}
