import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
// The server side of the demo is tooling, not an example: it uses the sources directly, so tests never pick up a stale build.
import { startLocalIdentityPool, startLocalOidcIssuer, type LocalIdentityPool, type LocalOidcIssuer } from '../../src/local/index';
import type { DemoConfig } from './demo-config';

export interface WebDemoOptions {
  /** Port of the page on 127.0.0.1; default 0 (a free one). */
  port?: number;
  /** Lifetime of issued credentials; short, so the countdown and the refresh show. Default 60 s. */
  credentialsTtlSeconds?: number;
}

export interface WebDemo {
  url: string;
  pool: LocalIdentityPool;
  issuer: LocalOidcIssuer;
  close(): Promise<void>;
}

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** Builds the page with Vite into a temporary folder ('idpool' mapped to the sources). */
async function buildPage(outDir: string): Promise<void> {
  await build({
    root: here('.'),
    configFile: false,
    logLevel: 'warn',
    base: './',
    resolve: { alias: [{ find: /^idpool$/, replacement: here('../../src/index.ts') }] },
    build: { outDir, emptyOutDir: true, reportCompressedSize: false },
  });
}

function serveStatic(root: string, config: DemoConfig): Server {
  return createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const send = (status: number, type: string, body: string | Buffer): void => {
      response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      response.end(body);
    };
    if (request.method !== 'GET') return send(405, 'text/plain', 'Method not allowed');
    if (path === '/demo-config.json') return send(200, CONTENT_TYPES['.json']!, JSON.stringify(config));
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root)) return send(404, 'text/plain', 'Not found');
    readFile(file).then(
      (body) => send(200, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', body),
      () => send(404, 'text/plain', 'Not found'),
    );
  });
}

/**
 * Starts the web demo: a local OIDC issuer, a local identity pool trusting it, and the page
 * (built with Vite) on 127.0.0.1. The page reads where the pool and issuer are from
 * `/demo-config.json`.
 */
export async function startWebDemo(options: WebDemoOptions = {}): Promise<WebDemo> {
  const credentialsTtlSeconds = options.credentialsTtlSeconds ?? 60;
  const outDir = await mkdtemp(join(tmpdir(), 'idpool-web-demo-'));
  const closers: Array<() => Promise<void>> = [() => rm(outDir, { recursive: true, force: true })];
  const close = async (): Promise<void> => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const issuer = await startLocalOidcIssuer();
    closers.push(() => issuer.close());
    const pool = await startLocalIdentityPool({
      credentialsTtlSeconds,
      providers: { [issuer.loginsKey]: { issuer: issuer.issuer, audience: issuer.audience } },
    });
    closers.push(() => pool.close());
    await buildPage(outDir);
    const config: DemoConfig = {
      identityPoolId: pool.identityPoolId,
      endpoint: pool.endpoint,
      issuer: issuer.issuer,
      clientId: issuer.audience,
      credentialsTtlSeconds,
    };
    const server = serveStatic(outDir, config);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', resolve);
    });
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, pool, issuer, close };
  } catch (error) {
    await close();
    throw error;
  }
}
