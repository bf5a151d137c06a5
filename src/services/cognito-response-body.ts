/**
 * Cognito Identity answers in a few KB (an OpenID token is the largest field). Anything past
 * this bound is not read: a hostile endpoint or a broken proxy could stream without end.
 */
export const MAX_RESPONSE_BYTES = 1_048_576;

export type BodyRead = { kind: 'bytes'; bytes: Uint8Array } | { kind: 'tooLarge' } | { kind: 'unreadable' };

interface WebStream {
  getReader(): { read(): Promise<{ done: boolean; value?: unknown }>; cancel(reason?: unknown): Promise<void> };
}

function isWebStream(body: object): body is WebStream {
  return typeof (body as Partial<WebStream>).getReader === 'function';
}

function isAsyncIterable(body: object): body is AsyncIterable<unknown> {
  return typeof (body as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function';
}

function isBlob(body: object): body is Blob {
  return typeof Blob !== 'undefined' && body instanceof Blob;
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function chunkBytes(chunk: unknown): Uint8Array | undefined {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return new TextEncoder().encode(chunk);
  return undefined;
}

async function readWebStream(stream: WebStream, maxBytes: number): Promise<BodyRead> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { kind: 'bytes', bytes: concat(chunks, total) };
    const chunk = chunkBytes(value);
    total += chunk?.byteLength ?? 0;
    if (chunk === undefined || total > maxBytes) {
      // Not awaited: closing the connection must not become one more wait on the sender.
      reader.cancel().catch(() => undefined);
      return chunk === undefined ? { kind: 'unreadable' } : { kind: 'tooLarge' };
    }
    chunks.push(chunk);
  }
}

async function readIterable(iterable: AsyncIterable<unknown>, maxBytes: number): Promise<BodyRead> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  // Leaving the loop early calls the iterator's `return`, which destroys a Node stream.
  for await (const value of iterable) {
    const chunk = chunkBytes(value);
    if (chunk === undefined) return { kind: 'unreadable' };
    total += chunk.byteLength;
    if (total > maxBytes) return { kind: 'tooLarge' };
    chunks.push(chunk);
  }
  return { kind: 'bytes', bytes: concat(chunks, total) };
}

/**
 * Reads a response body incrementally, at most `maxBytes` of it: a fetch `ReadableStream`, a
 * Node stream (any async iterable of bytes), a `Blob`, bytes or a string. Rejects as the stream
 * does (a dropped connection, an abort).
 */
export async function readBoundedBody(body: unknown, maxBytes: number = MAX_RESPONSE_BYTES): Promise<BodyRead> {
  if (body === undefined || body === null) return { kind: 'bytes', bytes: new Uint8Array(0) };
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const bytes = chunkBytes(body) ?? new Uint8Array(0);
    return bytes.byteLength > maxBytes ? { kind: 'tooLarge' } : { kind: 'bytes', bytes };
  }
  if (typeof body !== 'object') return { kind: 'unreadable' };
  if (isWebStream(body)) return readWebStream(body, maxBytes);
  if (isBlob(body)) {
    if (body.size > maxBytes) return { kind: 'tooLarge' };
    return { kind: 'bytes', bytes: new Uint8Array(await body.arrayBuffer()) };
  }
  if (isAsyncIterable(body)) return readIterable(body, maxBytes);
  return { kind: 'unreadable' };
}

/** Whether a `Content-Length` header already announces more than `maxBytes`. */
export function announcesTooLarge(contentLength: string | undefined, maxBytes: number = MAX_RESPONSE_BYTES): boolean {
  return contentLength !== undefined && /^\s*\d+\s*$/.test(contentLength) && Number(contentLength) > maxBytes;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The JSON value of a body: `{}` for an empty one (as the SDK reads it), `undefined` when it is
 * not UTF-8 JSON. Never a message from `JSON.parse`, which quotes the text it choked on.
 */
export function parseJsonBody(bytes: Uint8Array): unknown {
  if (bytes.byteLength === 0) return {};
  try {
    return JSON.parse(decoder.decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}
