import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** Options both local servers take against slow clients and DNS rebinding. */
export interface ServerGuardOptions {
  /** Milliseconds a client has to send the request headers; default 10 000. */
  readonly headersTimeoutMs?: number;
  /** Milliseconds a client has to send the whole request; default 30 000, at least `headersTimeoutMs`. */
  readonly requestTimeoutMs?: number;
  /** Milliseconds an idle keep-alive connection stays open; default 5 000. */
  readonly keepAliveTimeoutMs?: number;
  /**
   * Host names (without port) answered besides loopback (`localhost`, `127.0.0.0/8`, `[::1]`),
   * e.g. a name your /etc/hosts maps to 127.0.0.1. Any other `Host` is refused with 403, so a web
   * page cannot reach the server through a rebound DNS name.
   */
  readonly allowedHosts?: readonly string[];
}

export interface ServerGuards {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly allowedHosts: ReadonlySet<string>;
}

const HOST_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const IPV4_LOOPBACK = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function checkDuration(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 2 ** 31 - 1) {
    throw new TypeError(`"${option}" must be a positive number of milliseconds`);
  }
  return value;
}

/** Validates the guard options (TypeError naming the option) and fills in defaults. */
export function resolveServerGuards(options: ServerGuardOptions): ServerGuards {
  const headersTimeoutMs = checkDuration(options.headersTimeoutMs, 'headersTimeoutMs', 10_000);
  const requestTimeoutMs = checkDuration(options.requestTimeoutMs, 'requestTimeoutMs', Math.max(30_000, headersTimeoutMs));
  if (headersTimeoutMs > requestTimeoutMs) throw new TypeError('"headersTimeoutMs" must not exceed "requestTimeoutMs"');
  const keepAliveTimeoutMs = checkDuration(options.keepAliveTimeoutMs, 'keepAliveTimeoutMs', 5_000);
  const allowedHosts = new Set<string>();
  if (options.allowedHosts !== undefined) {
    if (!Array.isArray(options.allowedHosts)) throw new TypeError('"allowedHosts" must be an array of host names');
    for (const host of options.allowedHosts as readonly unknown[]) {
      if (typeof host !== 'string' || !HOST_NAME.test(host.toLowerCase())) {
        throw new TypeError('"allowedHosts" must hold host names without port, e.g. "idpool.test"');
      }
      allowedHosts.add(host.toLowerCase());
    }
  }
  return { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, allowedHosts };
}

/** Whether a `Host` header names loopback or an allowed host (any port). */
export function isAllowedHost(host: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (host === undefined) return false;
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(:\d{1,5})?$/i.exec(host);
  const name = match?.[1]?.toLowerCase();
  if (name === undefined) return false;
  if (name === 'localhost' || name === '[::1]' || allowed.has(name)) return true;
  const v4 = IPV4_LOOPBACK.exec(name);
  return v4 !== null && v4.slice(1).every((octet) => Number(octet) <= 255);
}

/**
 * Whether an absolute http(s) URL (an `Origin`, a `redirect_uri`) names loopback or an allowed host.
 * The URL parser normalizes the host first (`LOCALHOST`, `127.1` → `localhost`, `127.0.0.1`).
 */
export function isAllowedUrl(text: string, allowed: ReadonlySet<string>): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (url.protocol === 'http:' || url.protocol === 'https:') && isAllowedHost(url.host, allowed);
}

/**
 * An HTTP server that cuts clients too slow to send their request, closes idle keep-alive
 * connections, and hands requests whose `Host` is not loopback (or allowed) to `refuse`.
 */
export function createGuardedServer(
  guards: ServerGuards,
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  refuse: (req: IncomingMessage, res: ServerResponse) => void,
): Server {
  const server = createServer(
    {
      headersTimeout: guards.headersTimeoutMs,
      requestTimeout: guards.requestTimeoutMs,
      keepAliveTimeout: guards.keepAliveTimeoutMs,
      // Node checks the two timeouts on this interval (30 s by default); keep it a fraction of them.
      connectionsCheckingInterval: Math.min(1_000, Math.max(5, Math.floor(guards.headersTimeoutMs / 4))),
    },
    (req, res) => {
      const host = req.headers.host;
      const target = req.url ?? '/';
      // An absolute-form target (`POST http://evil.example/ HTTP/1.1`) names the server itself, over Host.
      const absolute = !target.startsWith('/') && target !== '*';
      const allowed =
        isAllowedHost(typeof host === 'string' ? host : undefined, guards.allowedHosts) &&
        (!absolute || isAllowedUrl(target, guards.allowedHosts));
      if (allowed) handle(req, res);
      else refuse(req, res);
    },
  );
  server.keepAliveTimeout = guards.keepAliveTimeoutMs;
  return server;
}

/** A request target as a URL, or undefined when the URL parser refuses it (e.g. `//[`): a client error, not a crash. */
export function requestUrl(url: string | undefined): URL | undefined {
  const base = 'http://localhost';
  const target = url ?? '/';
  return URL.canParse(target, base) ? new URL(target, base) : undefined;
}
