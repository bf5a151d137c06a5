import { Readable } from 'node:stream';
import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import type { HttpHandlerOptions, HttpRequest } from '@smithy/types';
import type { CallGate } from './call-gate';

interface Handler {
  handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: { body?: unknown } }>;
}

/**
 * Sends the request and reads the whole response body before the call counts as done: the
 * engine's side then needs no more I/O, so "nothing in flight at the gate" means the answer
 * has arrived, however slowly the machine reads its sockets.
 */
async function sendWholeResponse(send: Handler['handle'], request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: { body?: unknown } }> {
  const result = await send(request, options);
  const body = result.response.body;
  if (body instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
    result.response.body = new Uint8Array(Buffer.concat(chunks));
  }
  return result;
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
    return gate.pass(operation, body, options?.abortSignal as AbortSignal | undefined, () => sendWholeResponse(send, request, options));
  };
  return client;
}
