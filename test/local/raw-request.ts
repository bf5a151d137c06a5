import { request, Agent, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';

/** What a raw HTTP exchange answered. */
export interface RawReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface RawRequest {
  readonly method?: string;
  readonly path?: string;
  /** Sent as given, `host` included (fetch would not let a test forge it). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly agent?: Agent;
}

// A generous bound: the servers answer in milliseconds; this only keeps a broken server from hanging the suite.
const REPLY_BOUND_MS = 15_000;

/** One HTTP/1.1 request with exactly the headers given, answered or failed within a bound. */
export function rawRequest(endpoint: string, spec: RawRequest = {}): Promise<RawReply> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: spec.method ?? 'POST',
        path: spec.path ?? '/',
        headers: { host: url.host, ...spec.headers },
        ...(spec.agent === undefined ? {} : { agent: spec.agent }),
        setHost: false,
        timeout: REPLY_BOUND_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REPLY_BOUND_MS} ms`)));
    req.on('error', reject);
    req.end(spec.body);
  });
}

/** Writes raw bytes on a fresh connection and resolves with everything read until the server closes it. */
export function rawExchange(endpoint: string, bytes: string, boundMs = REPLY_BOUND_MS): Promise<{ text: string; closedByServer: boolean }> {
  const url = new URL(endpoint);
  return new Promise((resolve) => {
    const socket: Socket = connect(Number(url.port), url.hostname, () => socket.write(bytes));
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closedByServer: false });
    }, boundMs);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closedByServer: true });
    });
    socket.on('error', () => undefined);
  });
}
