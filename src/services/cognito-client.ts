import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';

export interface CognitoClientSettings {
  region: string;
  endpoint?: string;
}

/**
 * The Cognito Identity client idpool uses when none is injected: one attempt per call,
 * because retries are the machine's decision (with back-off, while valid credentials
 * keep being served), and no credentials, because the operations idpool calls are unsigned.
 */
export function createCognitoClient(settings: CognitoClientSettings): CognitoIdentityClient {
  return new CognitoIdentityClient({
    region: settings.region,
    ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}),
    maxAttempts: 1,
    // GetId and GetCredentialsForIdentity are unsigned; this keeps the SDK from looking for credentials.
    credentials: { accessKeyId: 'unsigned', secretAccessKey: 'unsigned' },
  });
}
