import { GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetchTransport } from '../../src/services/fetch-transport';
import { createSdkTransport } from '../../src/services/sdk-transport';
import { mapped, type AuthErrorSummary } from './auth-error-summary';
import { answer, holdAfter, json, startHostileServer, type HostileServer } from './hostile-server';
import { until, withinGenerousBound } from '../support/generous-bound';
import { noAbort, rejectionOf, sdkClient, type Target } from './transports';

// An opaque provider token (not JWT-shaped, so only the Logins redaction can catch it).
const TOKEN = 'opaque-provider-token-7f3a9c1e5b2d4f60';
const INPUT = { IdentityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000', Logins: { 'graph.facebook.com': TOKEN } };
const SECRETS = [TOKEN];
const MODELED = [
  'ExternalServiceException', 'InternalErrorException',
  'InvalidIdentityPoolConfigurationException', 'InvalidParameterException', 'LimitExceededException', 'NotAuthorizedException',
  'ResourceConflictException', 'ResourceNotFoundException', 'TooManyRequestsException',
];

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
});
afterAll(async () => {
  await server.close();
});

type Path = 'sdkNode' | 'sdkFetch' | 'fetchTransport' | 'sdkTransport' | 'sdkTransportOverFetch';
type Rejections = Record<Path, unknown>;

/**
 * The same GetId four ways: `client.send(new GetIdCommand(…))` on idpool's SDK client (today's
 * path, `sdkNode`), the same client with the SDK's browser HTTP handler (`sdkFetch`), both transports, and
 * the SDK transport over a client with the browser handler.
 */
async function eachPath(endpoint: string, run: (path: Path, call: (signal: AbortSignal) => Promise<unknown>) => Promise<unknown>): Promise<Rejections> {
  const target: Target = { region: 'us-east-1', endpoint };
  const node = sdkClient(target);
  const browser = sdkClient(target, 'fetch');
  const wrapped = sdkClient(target);
  const wrappedBrowser = sdkClient(target, 'fetch');
  const calls: Record<Path, (signal: AbortSignal) => Promise<unknown>> = {
    sdkNode: (abortSignal) => node.send(new GetIdCommand(INPUT), { abortSignal }),
    sdkFetch: (abortSignal) => browser.send(new GetIdCommand(INPUT), { abortSignal }),
    fetchTransport: (signal) => createFetchTransport(target).send('GetId', INPUT, { signal }),
    sdkTransport: (signal) => createSdkTransport(wrapped).send('GetId', INPUT, { signal }),
    sdkTransportOverFetch: (signal) => createSdkTransport(wrappedBrowser).send('GetId', INPUT, { signal }),
  };
  try {
    const result: Partial<Rejections> = {};
    for (const path of ['sdkNode', 'sdkFetch', 'fetchTransport', 'sdkTransport', 'sdkTransportOverFetch'] as const) result[path] = await run(path, calls[path]);
    return result as Rejections;
  } finally {
    for (const client of [node, browser, wrapped, wrappedBrowser]) client.destroy();
  }
}

const rejections = (endpoint: string): Promise<Rejections> => eachPath(endpoint, (_path, call) => rejectionOf(call(noAbort().signal)));

function kind(summary: AuthErrorSummary): Pick<AuthErrorSummary, 'name' | 'code' | 'retryable' | 'recoverySuggestion'> {
  return { name: summary.name, code: summary.code, retryable: summary.retryable, recoverySuggestion: summary.recoverySuggestion };
}

const errorCases: ReadonlyArray<readonly [string, Parameters<HostileServer['route']>[1], string]> = [
  ...MODELED.map((name) => [
    `modeled ${name}`,
    json(name === 'InternalErrorException' ? 500 : 400, { __type: name, message: `about ${name}` }, { 'x-amzn-ErrorType': `${name}:`, 'x-amzn-RequestId': 'rid-1' }),
    name === 'InternalErrorException' ? 'InternalErrorException' : name,
  ] as const),
  ['namespaced __type and Message', json(400, { __type: 'com.amazonaws.cognito.identity.model#NotAuthorizedException', Message: 'big M' }), 'NotAuthorizedException'],
  ['x-amzn-ErrorType header only', json(400, {}, { 'x-amzn-ErrorType': 'TooManyRequestsException:http://internal.amazon.com/coral/' }), 'TooManyRequestsException'],
  ['a `code` field', json(400, { code: 'ResourceNotFoundException', message: 'by code' }), 'ResourceNotFoundException'],
  ['`__type` with `:` and `,`', json(400, { __type: 'aws.x#LimitExceededException:detail,more' }), 'LimitExceededException'],
  ['a numeric __type', json(400, { __type: 5, message: 'five' }), 'UnknownException'],
  ['an unknown name, 4xx', json(400, { __type: 'FooException', message: 'foo' }), 'UnknownException'],
  ['an unknown name, 5xx', json(503, { __type: 'ServiceUnavailable' }), 'InternalErrorException'],
  ['an empty 400', answer(400, ''), 'UnknownException'],
  ['an empty message', json(400, { __type: 'NotAuthorizedException', message: '' }), 'NotAuthorizedException'],
  ['InternalErrorException with status 400', json(400, { __type: 'InternalErrorException', message: 'i' }), 'InternalErrorException'],
  ['every request id header', json(400, { __type: 'NotAuthorizedException', message: 'm' }, { 'x-amzn-RequestId': 'rid', 'x-amz-id-2': 'ext', 'x-amz-cf-id': 'cf' }), 'NotAuthorizedException'],
  ['ValidationException quoting the Logins', json(400, { __type: 'ValidationException', message: `1 validation error detected: Value '{graph.facebook.com=${TOKEN}}' at 'logins' failed` }), 'InvalidParameterException'],
  ['a message echoing the token', json(400, { __type: 'NotAuthorizedException', message: `Invalid login token. Not a valid OpenId Connect identity token: ${TOKEN}` }), 'NotAuthorizedException'],
  ['AccessDeniedException 403', json(403, { __type: 'AccessDeniedException', message: 'denied' }), 'UnknownException'],
  // Modeled, but for operations idpool does not call: toAuthError has no class for them.
  ['ConcurrentModificationException', json(400, { __type: 'ConcurrentModificationException', message: 'c' }), 'UnknownException'],
  ['DeveloperUserAlreadyRegisteredException', json(400, { __type: 'DeveloperUserAlreadyRegisteredException', message: 'd' }), 'UnknownException'],
];

describe('toAuthError gives the same AuthError whichever transport made the call', () => {
  it.each(errorCases)('%s', async (name, script, expectedCode) => {
    // Modeled errors of every kind, as Cognito (and the local pool) shape them.
    const endpoint = server.route(`case-${name.replace(/\W+/g, '-')}`, script);
    const got = await rejections(endpoint);
    const expected = mapped(got.sdkNode, SECRETS);
    expect(expected.code).toBe(expectedCode);
    expect(mapped(got.fetchTransport, SECRETS)).toEqual(expected);
    expect(mapped(got.sdkTransport, SECRETS)).toEqual(expected);
    expect(mapped(got.sdkFetch, SECRETS)).toEqual(expected);
    expect(mapped(got.sdkTransportOverFetch, SECRETS)).toEqual(expected);
    expect(JSON.stringify(expected)).not.toContain(TOKEN);
  });

  it('the fetch transport never puts the Logins token in its own error, even when the endpoint echoes it', async () => {
    const endpoint = server.route('echo', json(400, { __type: 'NotAuthorizedException', message: `token ${TOKEN} rejected`, code: `x ${TOKEN}` }));
    const error = await rejectionOf(createFetchTransport({ region: 'us-east-1', endpoint }).send('GetId', INPUT, noAbort()));
    expect(error.name).toBe('NotAuthorizedException');
    expect(`${error.message} ${String(error.code)} ${JSON.stringify(error)}`).not.toContain(TOKEN);
  });

  describe('a dropped connection: NetworkError, retryable, from every transport', () => {
    it.each([
      ['before any answer', (_req: unknown, res: { socket: { destroy(): void } | null }) => res.socket?.destroy()],
      [
        'in the middle of the body',
        (_req: unknown, res: { writeHead(s: number, h: Record<string, string>): void; write(b: string): void; socket: { destroy(): void } | null }) => {
          res.writeHead(200, { 'content-length': '1000' });
          res.write('{"IdentityId":');
          setTimeout(() => res.socket?.destroy(), 20);
        },
      ],
    ] as const)('%s', async (name, script) => {
      const endpoint = server.route(`drop-${name.replace(/\W+/g, '-')}`, script as Parameters<HostileServer['route']>[1]);
      const got = await rejections(endpoint);
      const expected = mapped(got.sdkNode, SECRETS);
      expect(expected.code).toBe('NetworkError');
      expect(expected.retryable).toBe(true);
      // Node's http module and fetch word it differently; mid-body, the SDK's deserializer adds a hint
      // to the message where the transports, reading the body themselves, hand on the socket's error.
      for (const path of ['fetchTransport', 'sdkTransport', 'sdkFetch'] as const) expect(kind(mapped(got[path], SECRETS))).toEqual(kind(expected));
      if (name === 'before any answer') {
        expect(mapped(got.sdkTransport, SECRETS)).toEqual(expected);
        expect(mapped(got.fetchTransport, SECRETS)).toEqual(mapped(got.sdkFetch, SECRETS));
      }
    });
  });

  describe('an answer that is not JSON: the same kind of error, and no quote of the body', () => {
    const truncated = '{"IdentityId":"us-east-1:a","Credentials":{"AccessKeyId":"ASIAEXAMPLE","SecretKey":"wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY';
    it.each([
      ['HTML with status 200', answer(200, '<html>hello from a captive portal</html>', { 'content-type': 'text/html' }), 'UnknownException', 'captive portal'],
      ['HTML with status 502', answer(502, '<html>bad gateway from a proxy</html>', { 'content-type': 'text/html' }), 'InternalErrorException', 'proxy'],
      ['truncated credentials', answer(200, truncated), 'UnknownException', 'wJalrXUtnFEMI'],
    ] as const)('%s', async (name, script, expectedCode, bodyText) => {
      const endpoint = server.route(`notjson-${name.replace(/\W+/g, '-')}`, script);
      const got = await rejections(endpoint);
      const viaFetch = mapped(got.fetchTransport, SECRETS);
      expect(viaFetch.code).toBe(expectedCode);
      expect(kind(viaFetch)).toEqual(kind(mapped(got.sdkNode, SECRETS)));
      // Both transports refuse the body themselves, before the SDK's parser could quote it.
      expect(mapped(got.sdkTransport, SECRETS)).toEqual(viaFetch);
      expect(viaFetch.cause?.name).toBe('SyntaxError');
      expect(JSON.stringify(viaFetch)).not.toContain(bodyText);
    });

    it('bytes that are not UTF-8: refused by both transports (the SDK reads them with replacement characters)', async () => {
      const endpoint = server.route('not-utf8', answer(200, new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])));
      const got = await eachPath(endpoint, (_path, call) => call(noAbort().signal).then((output) => ({ output }), (error: unknown) => error));
      expect(got.sdkNode).toHaveProperty('output');
      expect(mapped(got.fetchTransport).cause?.name).toBe('SyntaxError');
      expect(mapped(got.sdkTransport)).toEqual(mapped(got.fetchTransport));
    });
  });

  it('a redirect is not followed: the Logins never reach another origin', async () => {
    const sink = server.route('sink', json(200, { IdentityId: 'us-east-1:00000000-0000-4000-8000-00000000dead' }));
    const endpoint = server.route('redirect', answer(307, '', { location: `${sink}/` }));
    const sinkHits = new Map<string, number>();
    const got = await eachPath(endpoint, async (path, call) => {
      const before = server.exchanges('sink').length;
      const outcome = await call(noAbort().signal).then((output) => ({ output }), (error: unknown) => error);
      sinkHits.set(path, server.exchanges('sink').length - before);
      return outcome;
    });
    // Node's http module does not follow redirects either: the same UnknownException, status 307.
    const expected = mapped(got.sdkNode, SECRETS);
    expect(expected.code).toBe('UnknownException');
    expect(expected.cause?.$metadata).toMatchObject({ httpStatusCode: 307 });
    expect(mapped(got.fetchTransport, SECRETS)).toEqual(expected);
    expect(mapped(got.sdkTransport, SECRETS)).toEqual(expected);
    expect(sinkHits.get('fetchTransport')).toBe(0);
    expect(sinkHits.get('sdkNode')).toBe(0);
  });

  it('an abort in flight: AbortError from every transport, and the connection closed', async () => {
    const endpoint = server.route('held', (_req, res, exchange) => {
      res.writeHead(200, { 'content-length': '1000' });
      return holdAfter(res, exchange, '{"Identity');
    });
    const got = await eachPath(endpoint, async (_path, call) => {
      const controller = new AbortController();
      const index = server.exchanges('held').length;
      const pending = rejectionOf(call(controller.signal));
      await until(() => (server.exchanges('held')[index]?.written ?? 0) > 0, 'the held answer to start');
      // The engine aborts with the machine's reason, whatever it is: still an abort.
      controller.abort(new Error('the machine left the state'));
      const error = await pending;
      const exchange = server.exchanges('held')[index];
      await withinGenerousBound(exchange?.done ?? Promise.resolve(), 'the aborted connection to close');
      expect(exchange?.closedByClient).toBe(true);
      return error;
    });
    const expected = mapped(got.sdkNode);
    expect(expected.code).toBe('AbortError');
    // The cause chains differ in detail (the signal's reason kept or not); the AuthError and the cause's name do not.
    for (const path of ['fetchTransport', 'sdkTransport', 'sdkTransportOverFetch'] as const) {
      expect({ ...mapped(got[path]), cause: undefined }).toEqual({ ...expected, cause: undefined });
      expect(mapped(got[path]).cause?.name).toBe('AbortError');
    }
  });
});
