import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { FetchHttpHandler } from '@smithy/fetch-http-handler';
import type { CognitoTransport } from '../../src/services/cognito-transport';
import { createFetchTransport } from '../../src/services/fetch-transport';
import { createSdkTransport } from '../../src/services/sdk-transport';

export interface Target {
  readonly region: string;
  readonly endpoint: string;
}

export interface OpenTransport {
  readonly transport: CognitoTransport;
  close(): void;
}

export interface TransportKind {
  readonly name: 'fetch' | 'sdk';
  open(target: Target): OpenTransport;
}

/**
 * A Cognito Identity client configured as idpool configures its own: one attempt (retries are
 * the machine's), placeholder credentials (the operations are unsigned). `fetchHandler` gives it
 * the SDK's browser HTTP handler, for comparing network failures with the fetch transport's.
 */
export function sdkClient(target: Target, handler: 'node' | 'fetch' = 'node'): CognitoIdentityClient {
  return new CognitoIdentityClient({
    region: target.region,
    endpoint: target.endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: 'unsigned', secretAccessKey: 'unsigned' },
    ...(handler === 'fetch' ? { requestHandler: new FetchHttpHandler() } : {}),
  });
}

/** Both transports, for suites that every transport must pass. */
export const transportKinds: readonly TransportKind[] = [
  { name: 'fetch', open: (target) => ({ transport: createFetchTransport(target), close: () => undefined }) },
  {
    name: 'sdk',
    open: (target) => {
      const client = sdkClient(target);
      return { transport: createSdkTransport(client), close: () => client.destroy() };
    },
  },
];

/** The rejection of a promise (failing the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the promise to reject');
}

/** A signal that never aborts, for calls the test does not cancel. */
export const noAbort = (): { signal: AbortSignal } => ({ signal: new AbortController().signal });
