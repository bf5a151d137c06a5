import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RESPONSE_BYTES } from '../../src/services/cognito-response-body';
import { createFetchTransport } from '../../src/services/fetch-transport';
import { withinGenerousBound } from '../support/generous-bound';
import { mapped } from './auth-error-summary';
import { answer, ENDLESS_CAP_BYTES, holdAfter, json, startHostileServer, streamEndlessly, type HostileServer } from './hostile-server';
import { noAbort, rejectionOf, transportKinds } from './transports';

const POOL = 'us-east-1:00000000-0000-4000-8000-000000000000';
const GET_ID = { IdentityPoolId: POOL };
const CREDENTIALS = { IdentityId: 'us-east-1:00000000-0000-4000-8000-0000000000aa' };

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
});
afterAll(async () => {
  await server.close();
});

/** A JSON GetId answer padded with spaces to exactly `size` bytes. */
function paddedAnswer(size: number): string {
  const body = '{"IdentityId":"us-east-1:00000000-0000-4000-8000-0000000000bb"}';
  return body + ' '.repeat(size - body.length);
}

describe.each(transportKinds)('the $name transport and a hostile endpoint', (kind) => {
  const open = (route: string, script: Parameters<HostileServer['route']>[1]) =>
    kind.open({ region: 'us-east-1', endpoint: server.route(`${kind.name}-${route}`, script) });

  it('reads an answer of exactly the size bound, and refuses one byte more, as announced', async () => {
    const exact = open('exact', answer(200, paddedAnswer(MAX_RESPONSE_BYTES)));
    expect((await exact.transport.send('GetId', GET_ID, noAbort())).output.IdentityId).toMatch(/bb$/);
    exact.close();
    const over = open('over', answer(200, paddedAnswer(MAX_RESPONSE_BYTES + 1)));
    const error = await rejectionOf(over.transport.send('GetId', GET_ID, noAbort()));
    over.close();
    expect(error.name).toBe('ResponseTooLargeError');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 200 });
    expect(mapped(error).code).toBe('UnknownException');
  });

  it('stops reading an endless answer at the bound and closes the connection', async () => {
    const { transport, close } = open('endless', (_req, res, exchange) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      return streamEndlessly(res, exchange, `{"IdentityId":"${'x'.repeat(16_000)}",`);
    });
    const error = await rejectionOf(transport.send('GetId', GET_ID, noAbort()));
    close();
    expect(error.name).toBe('ResponseTooLargeError');
    const [exchange] = server.exchanges(`${kind.name}-endless`);
    await withinGenerousBound(exchange?.done ?? Promise.resolve(), 'the endless answer to be cut off');
    expect(exchange?.closedByClient).toBe(true);
    expect(exchange?.written).toBeLessThan(ENDLESS_CAP_BYTES);
  });

  it('refuses an answer whose Content-Length is past the bound before reading it', async () => {
    const { transport, close } = open('announced', (_req, res, exchange) => {
      res.writeHead(200, { 'content-length': String(10 * MAX_RESPONSE_BYTES) });
      return holdAfter(res, exchange, '{"IdentityId":');
    });
    // The server sends a few bytes and holds: only a refusal on the header itself ends the call.
    const error = await withinGenerousBound(rejectionOf(transport.send('GetId', GET_ID, noAbort())), 'the refusal');
    close();
    expect(error.name).toBe('ResponseTooLargeError');
    const [exchange] = server.exchanges(`${kind.name}-announced`);
    await withinGenerousBound(exchange?.done ?? Promise.resolve(), 'the connection to close');
    expect(exchange?.closedByClient).toBe(true);
  });

  it('refuses an error answer past the bound too (a 5xx page of any size)', async () => {
    const { transport, close } = open('big-error', answer(503, `{"__type":"X","message":"${'m'.repeat(MAX_RESPONSE_BYTES)}"}`));
    const error = await rejectionOf(transport.send('GetId', GET_ID, noAbort()));
    close();
    expect(error.name).toBe('ResponseTooLargeError');
    expect(mapped(error)).toMatchObject({ code: 'InternalErrorException', retryable: true });
  });

  it('keeps only modeled fields of their type: no prototype keys, no wrong types', async () => {
    const body =
      '{"__proto__":{"IdentityId":"us-east-1:proto"},"constructor":{"IdentityId":"x"},"IdentityId":5,' +
      '"Credentials":{"__proto__":{"SecretKey":"proto"},"AccessKeyId":["A"],"SecretKey":"S","SessionToken":null,"Expiration":1e300}}';
    const { transport, close } = open('shapes', answer(200, body));
    const { output } = await transport.send('GetCredentialsForIdentity', CREDENTIALS, noAbort());
    close();
    expect(output).toEqual({ Credentials: { SecretKey: 'S' } });
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
  });

  it.each([
    ['null', 'null'],
    ['an array', '[{"IdentityId":"us-east-1:a"}]'],
    ['an empty body', ''],
  ])('%s for an answer: an empty output (the caller reports the missing field)', async (name, body) => {
    const { transport, close } = open(`empty-${name.replace(/\W+/g, '-')}`, answer(200, body));
    const answered = await transport.send('GetId', GET_ID, noAbort());
    close();
    expect(answered.output).toEqual({});
  });

  it('no serverDate without a valid Date header', async () => {
    const { transport, close } = open('bad-date', json(200, { IdentityId: POOL }, { date: 'the day after tomorrow' }));
    const answered = await transport.send('GetId', GET_ID, noAbort());
    close();
    expect(answered).toEqual({ output: { IdentityId: POOL } });
  });

  it('an Expiration with fractions of a second is rounded to the millisecond, as the SDK does', async () => {
    const credentials = { AccessKeyId: 'ASIAEXAMPLE', SecretKey: 'S', SessionToken: 'T', Expiration: 1_900_000_000.1237 };
    const { transport, close } = open('fraction', json(200, { IdentityId: CREDENTIALS.IdentityId, Credentials: credentials }));
    const { output } = await transport.send('GetCredentialsForIdentity', CREDENTIALS, noAbort());
    close();
    expect(output.Credentials?.Expiration?.getTime()).toBe(1_900_000_000_124);
  });
});

describe('the fetch transport reads error bodies by own properties only', () => {
  it('a `__type` on the prototype of the body names nothing', async () => {
    const endpoint = server.route('proto-error', answer(400, '{"__proto__":{"__type":"NotAuthorizedException","message":"inherited"}}'));
    const error = await rejectionOf(createFetchTransport({ region: 'us-east-1', endpoint }).send('GetId', GET_ID, noAbort()));
    expect(error.name).toBe('Unknown');
    expect(error.message).toBe('UnknownError');
  });

  it('an Expiration that is not epoch seconds is left out (the SDK throws a TypeError on it)', async () => {
    const credentials = { AccessKeyId: 'A', SecretKey: 'S', SessionToken: 'T', Expiration: '2030-01-01T00:00:00Z' };
    const endpoint = server.route('string-expiration', json(200, { Credentials: credentials }));
    const { output } = await createFetchTransport({ region: 'us-east-1', endpoint }).send('GetCredentialsForIdentity', CREDENTIALS, noAbort());
    expect(output).toEqual({ Credentials: { AccessKeyId: 'A', SecretKey: 'S', SessionToken: 'T' } });
  });
});
