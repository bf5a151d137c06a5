import { decodeJwt } from 'jose';
import type { JwtPayload } from '../model/jwt';
import type { HeldCredentials } from '../model/credentials';
import { toLocalTime } from '../model/server-time';
import type { SessionView } from '../model/session';
import { ownValue } from './own-value';

/** Temporary AWS credentials, in the AWS SDK v3 `AwsCredentialIdentity` shape. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** When they expire, on the local clock (corrected for Cognito's clock skew). */
  expiration: Date;
}

/** A JWT as Amplify hands it out: its payload, and the token itself from `toString()`. */
export interface JWT {
  payload: JwtPayload;
  toString(): string;
}

/** What `fetchAuthSession` resolves with (Amplify v6's `AuthSession` shape). */
export interface AuthSession {
  identityId?: string;
  credentials?: AwsCredentials;
  /** User-pool tokens, when a token provider supplied the federated session. */
  tokens?: { idToken?: JWT; accessToken: JWT };
  /** The Logins key of the federated provider. */
  federatedProvider?: string;
}

/** What `federateToIdentityPool` resolves with. */
export interface FederateToIdentityPoolResult {
  identityId: string;
  credentials: AwsCredentials;
}

export function toAwsCredentials(held: HeldCredentials, clockOffsetMs: number): AwsCredentials {
  // Field by field: an object spread here costs several times the rest of a cached call.
  const { accessKeyId, secretAccessKey, sessionToken } = held.value.reveal();
  return { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(toLocalTime(held.expiration, clockOffsetMs)) };
}

function toJWT(token: string): JWT {
  let payload: JwtPayload = {};
  try {
    payload = decodeJwt(token);
  } catch {
    // An opaque access token has no payload to show.
  }
  return { payload, toString: () => token };
}

/** Reveals a machine session view for the caller who asked for it, and only for them: new objects on every call. */
export function toAuthSession(view: SessionView): AuthSession {
  // Own fields only: a polluted Object.prototype adds nothing to a session.
  const session: AuthSession = {};
  const identityId = ownValue(view, 'identityId');
  const credentials = ownValue(view, 'credentials');
  const federatedProvider = ownValue(view, 'federatedProvider');
  const userPoolTokens = ownValue(view, 'userPoolTokens');
  if (identityId !== undefined) session.identityId = identityId;
  if (credentials) session.credentials = toAwsCredentials(credentials, view.clockOffsetMs);
  if (federatedProvider !== undefined) session.federatedProvider = federatedProvider;
  if (userPoolTokens) {
    session.tokens = {
      idToken: toJWT(userPoolTokens.idToken.reveal()),
      accessToken: toJWT(userPoolTokens.accessToken.reveal()),
    };
  }
  return session;
}
