import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, decodeJWT, InvalidTokenException, type AuthEvent, type AuthState } from '../../src/index';
import { startEngineStack, type EngineStack } from '../support/engine-stack';
import { until } from '../support/generous-bound';

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('events$ and state$', () => {
  it('late subscribers get only later events; state$ replays the current state and emits each change once', async () => {
    stack = await startEngineStack();
    const auth = stack.engine();
    const { identityId } = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });

    const late: AuthEvent[] = [];
    auth.events$.subscribe((event) => late.push(event));
    const states: AuthState[] = [];
    auth.state$.subscribe((state) => states.push(state));
    expect(states).toEqual([{ value: 'federated', identityId, provider: stack.issuer.loginsKey, expiration: expect.any(Number) }]);

    await auth.fetchAuthSession(); // cached: no state change, no event
    expect(states).toHaveLength(1);
    expect(late).toEqual([]);

    await auth.clearFederationToIdentityPool();
    expect(late.map((e) => e.type)).toEqual(['federationToIdentityPoolCleared']);
    expect(states.map((s) => s.value)).toEqual(['federated', 'cleared']);
  });
});

describe('decodeJWT', () => {
  it('decodes header and payload of a real token', async () => {
    stack = await startEngineStack();
    const token = await stack.issuer.mintToken({ sub: 'alice', email: 'a@example.com' });
    const { header, payload } = decodeJWT(token);
    expect(header.alg).toBe('RS256');
    expect(payload).toMatchObject({ sub: 'alice', email: 'a@example.com', iss: stack.issuer.issuer });
  });

  it.each(['', 'abc', 'a.b.c', 'eyJhbGciOiJub25lIn0.bm90IGpzb24.', 42 as never])('throws InvalidTokenException for %j without quoting it', (token) => {
    try {
      decodeJWT(token);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidTokenException);
      expect((error as Error).name).toBe('InvalidTokenException');
      if (typeof token === 'string' && token.length > 3) expect((error as Error).message).not.toContain(token);
    }
  });
});

describe('stop()', () => {
  it('rejects pending calls with AbortError and ends the streams', async () => {
    stack = await startEngineStack();
    const auth = stack.engine();
    // The pool holds GetId far longer than the test runs (close() ends the hold); stop while it is held.
    stack.pool.injectFault({ op: 'GetId', kind: 'latency', delayMs: 600_000 });
    const pending = auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey }).catch((e: unknown) => e);
    let completed = false;
    auth.events$.subscribe({ complete: () => (completed = true) });
    await until(() => stack!.pool.stats().inFlight['GetId'] === 1, 'the pool to hold GetId');
    await auth.stop();
    expect(await pending).toBeInstanceOf(AbortError);
    expect(completed).toBe(true);
    await expect(auth.fetchAuthSession()).rejects.toBeInstanceOf(AbortError);
  });

  it('lets the process exit by itself with nothing pending', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 3600 });
    const token = await stack.issuer.mintToken({ sub: 'alice' });
    const script = `
      import { createAuth } from './src/index.ts';
      const auth = createAuth({ identityPoolId: ${JSON.stringify(stack.pool.identityPoolId)}, endpoint: ${JSON.stringify(stack.pool.endpoint)} });
      await auth.federateToIdentityPool({ token: ${JSON.stringify(token)}, provider: ${JSON.stringify(stack.issuer.loginsKey)} });
      await auth.fetchAuthSession();
      await auth.stop();
      console.log('stopped');
    `;
    const child = spawn(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', script], {
      cwd: process.cwd(),
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      // A generous bound: a child kept alive by an open timer would live 55 minutes.
      const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('exit', (exitCode) => {
        clearTimeout(killer);
        resolve(exitCode);
      });
    });
    expect(output).toContain('stopped');
    // The credentials live an hour and refresh 5 minutes before: an open timer would keep the child alive until killed (code null).
    expect(code).toBe(0);
  });
});
