// Serves a browser example with what it talks to: a local OIDC issuer and a local identity pool that
// trusts it (started here, or passed in), the example bundled by esbuild (rebuilt on each page load),
// and the page's URL carrying where the pool and issuer are. Used by `npm run example` and the tests.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { context } from 'esbuild';
// Tooling, not an example: the sources directly, as examples/web/demo-server.ts does.
import { startLocalIdentityPool, startLocalOidcIssuer, type LocalIdentityPool, type LocalOidcIssuer } from '../src/local/index';
import { exampleBuildOptions, examples, type ExampleName } from './build';

export type BrowserExample = { [Name in ExampleName]: (typeof examples)[Name]['platform'] extends 'browser' ? Name : never }[ExampleName];

export const browserExamples = (Object.keys(examples) as ExampleName[]).filter((name): name is BrowserExample => examples[name].platform === 'browser');

export interface ExampleServerOptions {
  /** Port of the page on 127.0.0.1; default 0 (a free one). */
  port?: number;
  /** A pool and issuer to use; default: started here and closed with the server. */
  local?: { pool: LocalIdentityPool; issuer: LocalOidcIssuer };
}

export interface ExampleServer {
  /** The page, with `?endpoint=…&identityPoolId=…&issuer=…` for the pool and issuer. */
  url: string;
  pool: LocalIdentityPool;
  issuer: LocalOidcIssuer;
  close(): Promise<void>;
}

async function startLocal(): Promise<{ pool: LocalIdentityPool; issuer: LocalOidcIssuer }> {
  const issuer = await startLocalOidcIssuer();
  try {
    const pool = await startLocalIdentityPool({ providers: { [issuer.loginsKey]: { issuer: issuer.issuer, audience: issuer.audience } } });
    return { pool, issuer };
  } catch (error) {
    await issuer.close();
    throw error;
  }
}

/** Starts `name` (a browser example) and what it needs; `close()` stops all of it. */
export async function startExample(name: BrowserExample, options: ExampleServerOptions = {}): Promise<ExampleServer> {
  const owned = options.local === undefined;
  const { pool, issuer } = options.local ?? (await startLocal());
  const html = await readFile(fileURLToPath(new URL(`${name}/index.html`, import.meta.url)), 'utf8');
  const bundler = await context({ ...exampleBuildOptions(name), write: false, logLevel: 'silent' });
  let bundle: Promise<string> | undefined;
  const rebuild = (): Promise<string> =>
    (bundle = bundler.rebuild().then((result) => {
      const [output] = result.outputFiles ?? [];
      if (output === undefined) throw new Error(`examples/${name} did not build`);
      return output.text;
    }));
  await rebuild(); // a build error shows at start, not on the first page load

  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const send = (status: number, type: string, body: string): void => {
      response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(body);
    };
    if (request.method !== 'GET') return send(405, 'text/plain', 'Method not allowed');
    if (path === '/' || path === '/index.html') {
      void rebuild().catch(() => undefined); // the page's script request waits for this build
      return send(200, 'text/html; charset=utf-8', html);
    }
    if (path === '/dist/main.js') {
      (bundle ?? rebuild()).then(
        (text) => send(200, 'text/javascript; charset=utf-8', text),
        (error: unknown) => send(500, 'text/plain', `Build failed: ${error instanceof Error ? error.message : String(error)}`),
      );
      return;
    }
    send(404, 'text/plain', 'Not found');
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', resolve);
    });
  } catch (error) {
    await bundler.dispose();
    if (owned) await Promise.all([pool.close(), issuer.close()]);
    throw error;
  }
  const query = new URLSearchParams({ endpoint: pool.endpoint, identityPoolId: pool.identityPoolId, issuer: issuer.issuer });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/?${query}`,
    pool,
    issuer,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await bundler.dispose();
      if (owned) await Promise.all([pool.close(), issuer.close()]);
    },
  };
}
