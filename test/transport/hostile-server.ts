import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What one scripted answer did, for asserting on the client's side of the exchange. */
export interface Exchange {
  /** The request as it arrived (its body cut at 64 KB). */
  readonly request: { method: string; url: string; headers: Readonly<Record<string, string | string[] | undefined>>; body: string };
  /** Bytes of body written before the answer ended or the client went away. */
  written: number;
  /** The client closed the connection before the server finished answering. */
  closedByClient: boolean;
  /** Resolves when the exchange is over, either way. */
  readonly done: Promise<void>;
}

type Script = (req: IncomingMessage, res: ServerResponse, exchange: Exchange) => Promise<void> | void;

/** A loopback HTTP server answering each path (`/<name>/`) with a script: the endpoint's worst behaviours. */
export interface HostileServer {
  /** The endpoint for a script: requests to it run `script`. */
  route(name: string, script: Script): string;
  /** Exchanges run for a route, in order. */
  exchanges(name: string): readonly Exchange[];
  close(): Promise<void>;
}

// Bounds the endless answers: far more than any client may read, yet a test that fails ends.
export const ENDLESS_CAP_BYTES = 64 * 1024 * 1024;

function write(res: ServerResponse, chunk: Uint8Array | string): Promise<boolean> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve(false);
    if (res.write(chunk)) return resolve(true);
    const onDrain = (): void => finish(true);
    const onClose = (): void => finish(false);
    function finish(ok: boolean): void {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    }
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/** Streams `chunk` until the client stops reading (backpressure) and goes away, or the cap. */
export async function streamEndlessly(res: ServerResponse, exchange: Exchange, chunk: Uint8Array | string): Promise<void> {
  const size = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
  while (exchange.written < ENDLESS_CAP_BYTES) {
    if (!(await write(res, chunk))) return;
    exchange.written += size;
  }
  res.end();
}

/** Writes `chunk` and then holds the connection open until the client goes away. */
export async function holdAfter(res: ServerResponse, exchange: Exchange, chunk: string): Promise<void> {
  await write(res, chunk);
  exchange.written += Buffer.byteLength(chunk);
  await exchange.done;
}

/** A plain answer: status, headers (a Content-Length unless one is given or the body is chunked), body. */
export function answer(status: number, body: string | Uint8Array, headers: Record<string, string> = {}): Script {
  return (_req, res, exchange) => {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    res.writeHead(status, { 'content-length': String(bytes.byteLength), ...headers });
    res.end(bytes);
    exchange.written += bytes.byteLength;
  };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Script =>
  answer(status, JSON.stringify(body), { 'content-type': 'application/x-amz-json-1.1', ...headers });

export async function startHostileServer(): Promise<HostileServer> {
  const scripts = new Map<string, Script>();
  const log = new Map<string, Exchange[]>();
  const server = createServer((req, res) => {
    const name = (req.url ?? '').replaceAll('/', '');
    const script = scripts.get(name);
    let settle = (): void => undefined;
    const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: '' };
    const exchange: Exchange = { request, written: 0, closedByClient: false, done: new Promise<void>((resolve) => (settle = resolve)) };
    res.on('close', () => {
      exchange.closedByClient = !res.writableFinished;
      settle();
    });
    log.set(name, [...(log.get(name) ?? []), exchange]);
    // The request body is read first: the client is done sending when the script starts.
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      if (request.body.length < 65_536) request.body += chunk;
    });
    req.on('end', () => {
      if (script === undefined) {
        res.writeHead(404).end();
        return;
      }
      Promise.resolve(script(req, res, exchange)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    route(name, script) {
      scripts.set(name, script);
      return `http://127.0.0.1:${port}/${name}`;
    },
    exchanges: (name) => log.get(name) ?? [],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
