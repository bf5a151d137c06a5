import type { AwsCredentials } from '../index';

/** The JSON the AWS CLI and SDKs read from a `credential_process` (Version 1). */
export interface CredentialProcessOutput {
  Version: 1;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  /** ISO-8601; the AWS CLI calls the process again before this time. */
  Expiration: string;
}

export function toCredentialProcessOutput(credentials: AwsCredentials): CredentialProcessOutput {
  return {
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: credentials.expiration.toISOString(),
  };
}

/** A parsed cache file, or undefined when it is not complete credential_process output. */
export function parseCredentialProcessOutput(text: string): CredentialProcessOutput | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const strings = ['AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration'] as const;
  if (record['Version'] !== 1 || strings.some((field) => typeof record[field] !== 'string' || record[field] === '')) return undefined;
  if (Number.isNaN(Date.parse(record['Expiration'] as string))) return undefined;
  return record as unknown as CredentialProcessOutput;
}
