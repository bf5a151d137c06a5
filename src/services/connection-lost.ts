// What Node reports when a connection closes under a request: fetch (undici) as the `cause`'s
// code, node:http (the SDK's default handler) as the error's own. Typically a pooled keep-alive
// connection the server had already dropped.
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

function codeOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, 'code') : undefined;
}

/** Whether a call failed because its connection closed (read defensively: a transport may throw anything). */
export function connectionLost(error: unknown): boolean {
  try {
    const code = codeOf(error) ?? codeOf(typeof error === 'object' && error !== null ? Reflect.get(error, 'cause') : undefined);
    return typeof code === 'string' && CONNECTION_LOST.has(code);
  } catch {
    return false;
  }
}
