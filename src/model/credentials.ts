import type { Secret } from './secret';

/** AWS credentials as Cognito issues them; always kept inside a `Secret`. */
export interface AwsCredentialsValue {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** Credentials held by the machine: the secret part sealed, the timing in the clear. */
export interface HeldCredentials {
  value: Secret<AwsCredentialsValue>;
  /** Expiration, epoch ms on Cognito's clock. */
  expiration: number;
  /** When Cognito issued them, epoch ms on Cognito's clock. */
  issuedAt: number;
}

/**
 * Whether `candidate` replaces `held`: it expires later, or as late but is another set (Cognito
 * gives expirations to the second, so two refreshes in one second tie). Used wherever credentials
 * from another context could stand in for those held: never an older or the same set.
 */
export function replaces(candidate: HeldCredentials | undefined, held: HeldCredentials | undefined): boolean {
  if (!candidate || !held) return candidate !== undefined;
  if (candidate.expiration !== held.expiration) return candidate.expiration > held.expiration;
  return candidate.value.reveal().accessKeyId !== held.value.reveal().accessKeyId;
}
