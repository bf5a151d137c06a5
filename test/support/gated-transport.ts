import { createFetchTransport, type CognitoTransport } from '../../src/index';
import type { CallGate } from './call-gate';

/**
 * idpool's default transport (`fetch`) for `endpoint`, whose requests wait at `gate` (kind: the
 * operation, info: the parsed JSON body) before they go out over HTTP. The whole answer is read
 * before the call counts as done: "nothing in flight at the gate" then means the answer has
 * arrived, however slowly the engine reads it. Pass it as `createAuth({ transport })`.
 */
export function createGatedTransport(settings: { region: string; endpoint: string }, gate: CallGate): CognitoTransport {
  const gatedFetch: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    const operation = (headers.get('x-amz-target') ?? '').split('.').pop() || 'Unknown';
    let body: Record<string, unknown> = {};
    try {
      body = typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    } catch {
      // Not JSON: nothing to show the test.
    }
    const signal = init?.signal ?? undefined;
    return gate.pass(operation, body, signal, async () => {
      const response = await fetch(input, init);
      const bytes = new Uint8Array(await response.arrayBuffer());
      return new Response(bytes, { status: response.status, statusText: response.statusText, headers: response.headers });
    });
  };
  return createFetchTransport({ ...settings, fetch: gatedFetch });
}
