import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import type { HttpHandlerOptions, HttpRequest } from '@smithy/types';
import type { CallGate } from './call-gate';

interface Handler {
  handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<unknown>;
}

/**
 * A real Cognito Identity client for `endpoint` (one attempt per call, as idpool's own) whose
 * requests wait at `gate` (kind: the operation, info: the parsed JSON body) before they go out
 * over HTTP. Pass it to `createAuth({ client })` to step the engine one request at a time.
 */
export function createGatedCognitoClient(settings: { region: string; endpoint: string }, gate: CallGate): CognitoIdentityClient {
  const client = new CognitoIdentityClient({
    region: settings.region,
    endpoint: settings.endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: 'unsigned', secretAccessKey: 'unsigned' },
  });
  const handler = client.config.requestHandler as unknown as Handler;
  const send = handler.handle.bind(handler);
  handler.handle = (request, options) => {
    const operation = String(request.headers['x-amz-target'] ?? '').split('.').pop() ?? 'Unknown';
    let body: Record<string, unknown> = {};
    try {
      const raw: unknown = request.body;
      // TextDecoder reads the bytes; Buffer.from would call the SDK body's valueOf (which warns).
      const text = typeof raw === 'string' ? raw : raw instanceof Uint8Array ? new TextDecoder().decode(raw) : '';
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // Not JSON: nothing to show the test.
    }
    return gate.pass(operation, body, options?.abortSignal as AbortSignal | undefined, () => send(request, options));
  };
  return client;
}
