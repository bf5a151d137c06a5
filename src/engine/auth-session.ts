import { decodeJwt } from 'jose';
import type { JwtPayload } from '../model/jwt';
import type { HeldCredentials } from '../model/credentials';
import { toLocalTime } from '../model/server-time';
import type { SessionView } from '../model/session';

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
  return { ...held.value.reveal(), expiration: new Date(toLocalTime(held.expiration, clockOffsetMs)) };
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

/** Reveals a machine session view for the caller who asked for it, and only for them. */
export function toAuthSession(view: SessionView): AuthSession {
  const session: AuthSession = {};
  if (view.identityId !== undefined) session.identityId = view.identityId;
  if (view.credentials) session.credentials = toAwsCredentials(view.credentials, view.clockOffsetMs);
  if (view.federatedProvider !== undefined) session.federatedProvider = view.federatedProvider;
  if (view.userPoolTokens) {
    session.tokens = {
      idToken: toJWT(view.userPoolTokens.idToken.reveal()),
      accessToken: toJWT(view.userPoolTokens.accessToken.reveal()),
    };
  }
  return session;
}
