import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallGate, untilHeld } from '../support/call-gate';
import { startEngineStack, type EngineStack } from '../support/engine-stack';
import { createGatedTransport } from '../support/gated-transport';
import { withinGenerousBound } from '../support/generous-bound';

// Finding 15: the request timeout ran on the global setTimeout, so under load a test whose clock
// stood still still saw Cognito calls time out. It runs on the injected clock now: the test decides
// when the timeout's time has passed, and real time is only a generous bound on waiting.

let stack: EngineStack;
beforeEach(async () => {
  stack = await startEngineStack({ allowUnauthenticated: true, credentialsTtlSeconds: 3_600 });
});
afterEach(async () => {
  await stack.close();
});

describe('request timeout on the injected clock', () => {
  it('an answer slower in real time than requestTimeoutMs is not a timeout while simulated time stands still', async () => {
    const auth = stack.engine({ requestTimeoutMs: 20 });
    // The pool answers after 400 ms of real time; on the test clock no time passes meanwhile.
    stack.pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'latency', delayMs: 400 });
    const token = await stack.issuer.mintToken({ sub: 'slow-answer' });
    const session = await auth.federateToIdentityPool({ token, provider: stack.issuer.loginsKey });
    expect(session.credentials.accessKeyId).toMatch(/^ASIA/);
    expect(stack.pool.stats().requests['GetCredentialsForIdentity']).toBe(1);
  });

  it('a request still unanswered when simulated time passes requestTimeoutMs fails with NetworkError', async () => {
    const gate = new CallGate();
    const transport = createGatedTransport({ region: stack.pool.region, endpoint: stack.pool.endpoint }, gate);
    // Ten simulated minutes: in real time this test never waits that long.
    const auth = stack.engine({ transport, requestTimeoutMs: 600_000 });
    const token = await stack.issuer.mintToken({ sub: 'held-answer' });
    const call = auth.federateToIdentityPool({ token, provider: stack.issuer.loginsKey }).then(
      () => 'resolves',
      (error: unknown) => (error instanceof Error ? error.name : String(error)),
    );
    (await untilHeld(gate, 'GetId')).release();
    await untilHeld(gate, 'GetCredentialsForIdentity');
    expect(stack.clock.pending()).toContain(600_000);
    await stack.clock.advance(599_999);
    expect(gate.held().map((held) => held.kind)).toEqual(['GetCredentialsForIdentity']);
    await stack.clock.advance(1);
    expect(await withinGenerousBound(call, 'the federation to fail')).toBe('NetworkError');
    // The engine's abort reached the held request: nothing is left waiting.
    expect(gate.held()).toEqual([]);
  });
});
