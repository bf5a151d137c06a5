import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { AuthError, createAuth, type Auth, type AuthEvent, type AuthOptions, type AuthState } from '../../src/index';
import { startLocalOidcIssuer, type LocalOidcIssuer } from '../../src/local/index';
import { everyRendering, expectNoSecrets } from '../support/secret-scan';
import { TestClock } from '../support/test-clock';

// Finding 11: Cognito's ValidationException quotes the Logins map; the SDK error kept as `cause`
// showed the token through util.inspect (console.error) and the inspector.
const IDENTITY_POOL_ID = 'us-east-1:00000000-0000-4000-8000-000000000000';
const IDENTITY_ID = 'us-east-1:11111111-1111-4111-8111-111111111111';

/** Reads a request body (bounded: the engine sends a few KB). */
async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 1_000_000) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A Cognito Identity endpoint that refuses every request with a ValidationException quoting the
 * Logins map the way Cognito words it (`{key=value}`), in the message, a `Message` field and a header.
 */
async function startEchoingCognito(operation: 'GetId' | 'GetCredentialsForIdentity'): Promise<{ endpoint: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    void bodyOf(request).then((text) => {
      const target = String(request.headers['x-amz-target'] ?? '').replace('AWSCognitoIdentityService.', '');
      requests.push(target);
      const input = JSON.parse(text) as { Logins?: Record<string, string> };
      if (target !== operation) {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ IdentityId: IDENTITY_ID }));
        return;
      }
      const logins = Object.entries(input.Logins ?? {}).map(([key, value]) => `${key}=${value}`).join(', ');
      const message = `1 validation error detected: Value '{${logins}}' at 'logins' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 50000, Member must have length greater than or equal to 1]`;
      response.writeHead(400, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-errortype': 'ValidationException',
        'x-amzn-requestid': 'echo-request-id-1234',
        'x-echo-logins': logins,
      });
      response.end(JSON.stringify({ __type: 'ValidationException', message, Message: message, Logins: input.Logins }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Watched {
  auth: Auth;
  events: AuthEvent[];
  states: AuthState[];
  inspection: string[];
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function watchedEngine(options: Partial<AuthOptions> & { endpoint?: string }): Watched {
  const events: AuthEvent[] = [];
  const states: AuthState[] = [];
  const inspection: string[] = [];
  const auth = createAuth({
    identityPoolId: IDENTITY_POOL_ID,
    clock: new TestClock(),
    // What an inspector shows: the events (errors included) and snapshots, printed in full.
    inspect: (event: InspectionEvent) => {
      const snapshot = 'snapshot' in event ? (event.snapshot as { context?: unknown; error?: unknown }) : undefined;
      inspection.push(inspect({ event: 'event' in event ? event.event : undefined, context: snapshot?.context, error: snapshot?.error }, { depth: Infinity }));
    },
    ...options,
  });
  auth.events$.subscribe((event) => events.push(event));
  auth.state$.subscribe((state) => states.push(state));
  closers.push(() => auth.stop());
  return { auth, events, states, inspection };
}

async function issuer(): Promise<LocalOidcIssuer> {
  const started = await startLocalOidcIssuer();
  closers.push(() => started.close());
  return started;
}

/** Every way an error reaches a person: console.error (util.inspect, any depth), JSON, String, stack, the cause chain. */
function renderError(error: unknown): string {
  const parts = [everyRendering(error), inspect(error, { depth: Infinity, showHidden: true })];
  for (let link: unknown = error, depth = 0; link !== undefined && link !== null && depth < 10; depth++) {
    parts.push(inspect(link, { depth: Infinity, showHidden: true }));
    if (typeof link === 'object') {
      try {
        parts.push(JSON.stringify(link));
      } catch {
        parts.push('[unserialisable]');
      }
    }
    link = (link as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

function scan(watched: Watched, error: unknown, secrets: string[]): void {
  expectNoSecrets(
    {
      error: renderError(error),
      events: everyRendering(watched.events),
      states: everyRendering(watched.states),
      inspection: watched.inspection.join('\n'),
      snapshot: inspect(watched.auth.actor.getSnapshot().context, { depth: Infinity }),
    },
    secrets,
  );
}

describe('finding 11: a server echoing the Logins map never puts the token in any rendering of the error', () => {
  for (const operation of ['GetId', 'GetCredentialsForIdentity'] as const) {
    it(`ValidationException from ${operation} quoting the token, with the real SDK over HTTP`, async () => {
      const server = await startEchoingCognito(operation);
      closers.push(server.close);
      const oidc = await issuer();
      const token = await oidc.mintToken({ sub: 'alice' });
      const watched = watchedEngine({ endpoint: server.endpoint });
      const error = await watched.auth.federateToIdentityPool({ token, provider: oidc.loginsKey }).then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
      expect(server.requests).toContain(operation);
      expect(error).toBeInstanceOf(AuthError);
      expect(error).toMatchObject({ name: 'InvalidParameterException' });
      // The cause still says what Cognito answered, without the token.
      const cause = (error as AuthError).cause as { name?: string; $metadata?: { httpStatusCode?: number; requestId?: string }; message?: string };
      expect(cause).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400, requestId: 'echo-request-id-1234' } });
      expect(cause.message).toContain("at 'logins' failed to satisfy constraint");
      scan(watched, error, [token]);
    });
  }

  it('a credentials provider rejecting with an SDK error that quotes the token (message, stack, nested cause, extra fields)', async () => {
    const oidc = await issuer();
    const token = await oidc.mintToken({ sub: 'alice' });
    const watched = watchedEngine({
      credentialsProvider: {
        async getCredentialsAndIdentityId(options) {
          const quoted = `Value '{${options.tokens?.loginsKey}=${options.tokens?.idToken}}' at 'logins' failed to satisfy constraint`;
          const inner = Object.assign(new Error(`inner ${options.tokens?.idToken}`), { token: options.tokens?.idToken });
          throw Object.assign(new Error(quoted, { cause: inner }), {
            name: 'ValidationException',
            $fault: 'client',
            $metadata: { httpStatusCode: 400, requestId: 'req-1' },
            $response: { statusCode: 400, body: quoted, headers: { echo: quoted } },
            Logins: { [String(options.tokens?.loginsKey)]: options.tokens?.idToken },
          });
        },
        clearCredentialsAndIdentityId: () => undefined,
      },
    });
    const error = await watched.auth.federateToIdentityPool({ token, provider: oidc.loginsKey }).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(error).toMatchObject({ name: 'InvalidParameterException' });
    expect((error as AuthError).cause).toMatchObject({ name: 'ValidationException', $fault: 'client', $metadata: { httpStatusCode: 400, requestId: 'req-1' } });
    scan(watched, error, [token]);
  });

  it('a refresh handler rejecting with an error that quotes the old token in its message, stack, fields and cause chain', async () => {
    const oidc = await issuer();
    const clock = new TestClock();
    const token = await oidc.mintToken({ sub: 'alice' }, { expiresIn: 60 });
    const watched = watchedEngine({
      clock,
      credentialsProvider: {
        async getCredentialsAndIdentityId() {
          return {
            identityId: IDENTITY_ID,
            credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'provider-secret-key-1', sessionToken: 'provider-session-1', expiration: new Date(clock.now() + 3_600_000) },
          };
        },
        clearCredentialsAndIdentityId: () => undefined,
      },
      refreshHandlers: {
        [oidc.loginsKey]: async () => {
          const deepest = { detail: `refresh_token for ${token}` };
          throw Object.assign(new Error(`IdP refused ${token}`, { cause: new Error(`nested ${token}`, { cause: deepest }) }), { token, response: { body: token } });
        },
      },
    });
    await watched.auth.federateToIdentityPool({ token, provider: oidc.loginsKey });
    await clock.advance(120_000);
    const error = await watched.auth.fetchAuthSession({ forceRefresh: true }).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(error).toMatchObject({ name: 'TokenRefreshException' });
    scan(watched, error, [token, 'provider-secret-key-1', 'provider-session-1']);
  });
});
