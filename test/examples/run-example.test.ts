// `npm run example -- <name>` (examples/run.ts): one command starts the local issuer and identity
// pool, bundles and serves the example, and prints a URL that works; `node` runs the script to its
// end; a wrong name prints the usage. Each browser example is served by startExample; the clicking
// through them is test/browser/examples-in-chromium.test.ts.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserExamples, startExample } from '../../examples/serve-example';
import { startLocalIdentityPool, startLocalOidcIssuer, type LocalIdentityPool, type LocalOidcIssuer } from '../../src/local/index';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));
// Only a hang reaches it.
const HANG_MS = 120_000;

interface Command {
  output: Promise<string>;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stop(): void;
}

/** `npm run example -- <args>` as the script runs it (tsx examples/run.ts), without npm in between. */
function example(args: string[]): Command {
  const child = spawn(process.execPath, [tsx, 'examples/run.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const hang = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      clearTimeout(hang);
      resolve(code);
    }),
  );
  return { output: exited.then(() => output), exited, stop: () => child.kill('SIGINT') };
}

/** Waits until the command prints a line matching `pattern`. */
async function waitForLine(child: ReturnType<typeof spawn>, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) resolve(match[0]);
    });
    child.once('close', () => reject(new Error(`Ended without printing ${pattern}: ${output}`)));
  });
}

it('serves a browser example and its pool and issuer at the URL it prints, and stops on Ctrl+C', async () => {
  const child = spawn(process.execPath, [tsx, 'examples/run.ts', 'plain-dom', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const hang = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
  try {
    const url = new URL(await waitForLine(child, /http:\/\/127\.0\.0\.1:\d+\/\?\S+/));
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="./dist/main.js">');
    const bundle = await fetch(new URL('/dist/main.js', url));
    expect([bundle.status, bundle.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect((await bundle.text()).length).toBeGreaterThan(1000);
    // The query names a live issuer and a pool that trusts it.
    const issuer = url.searchParams.get('issuer')!;
    const minted = await fetch(`${issuer}/mint?sub=alice`);
    expect(minted.status).toBe(200);
    const pool = await fetch(url.searchParams.get('endpoint')!, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSCognitoIdentityService.GetId' },
      body: JSON.stringify({ IdentityPoolId: url.searchParams.get('identityPoolId'), Logins: { [new URL(issuer).host]: ((await minted.json()) as { id_token: string }).id_token } }),
    });
    expect(await pool.json()).toEqual({ IdentityId: expect.stringMatching(/^us-east-1:[0-9a-f-]{36}$/) });
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
    child.kill('SIGINT');
    expect(await closed).toBe(0);
  } finally {
    clearTimeout(hang);
    child.kill('SIGKILL');
  }
});

it('runs the Node example to its end', async () => {
  const run = example(['node']);
  expect(await run.exited).toBe(0);
  expect(await run.output).toMatch(/^after clear: no credentials$/m);
});

it('names the examples when the name is wrong', async () => {
  const run = example(['angular']);
  expect(await run.exited).toBe(2);
  expect(await run.output).toMatch(/^Usage: npm run example -- <react\|vue\|svelte\|rxjs\|plain-dom\|node\|web> \[--port <port>\]$/m);
});

describe('startExample serves every browser example', () => {
  let issuer: LocalOidcIssuer | undefined;
  let pool: LocalIdentityPool | undefined;
  beforeAll(async () => {
    issuer = await startLocalOidcIssuer();
    pool = await startLocalIdentityPool({ providers: { [issuer.loginsKey]: { issuer: issuer.issuer, audience: issuer.audience } } });
  });
  afterAll(async () => {
    await pool?.close();
    await issuer?.close();
  });

  it.each(browserExamples)('%s', async (name) => {
    const served = await startExample(name, { local: { pool: pool!, issuer: issuer! } });
    try {
      const url = new URL(served.url);
      expect(Object.fromEntries(url.searchParams)).toEqual({ endpoint: pool!.endpoint, identityPoolId: pool!.identityPoolId, issuer: issuer!.issuer });
      expect((await fetch(url)).status).toBe(200);
      expect((await fetch(new URL('/dist/main.js', url))).status).toBe(200);
      expect((await fetch(new URL('/../package.json', url))).status).toBe(404);
    } finally {
      await served.close();
    }
  });
});
