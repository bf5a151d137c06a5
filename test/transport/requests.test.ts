import { GetCredentialsForIdentityCommand, GetIdCommand, GetOpenIdTokenCommand } from '@aws-sdk/client-cognito-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CognitoEndpointError } from '../../src/services/cognito-endpoint';
import type { CognitoOperation, InputOf } from '../../src/services/cognito-transport';
import { createFetchTransport } from '../../src/services/fetch-transport';
import { createSdkTransport } from '../../src/services/sdk-transport';
import { json, startHostileServer, type Exchange, type HostileServer } from './hostile-server';
import { noAbort, rejectionOf, sdkClient } from './transports';

const TOKEN = 'opaque-provider-token-0123456789abcdef';
const INPUTS: { [O in CognitoOperation]: InputOf<O> } = {
  GetId: { IdentityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000', AccountId: '123456789012', Logins: { 'graph.facebook.com': TOKEN } },
  GetCredentialsForIdentity: {
    IdentityId: 'us-east-1:00000000-0000-4000-8000-0000000000aa',
    Logins: { 'graph.facebook.com': TOKEN },
    CustomRoleArn: 'arn:aws:iam::123456789012:role/r',
  },
  GetOpenIdToken: { IdentityId: 'us-east-1:00000000-0000-4000-8000-0000000000aa', Logins: { 'graph.facebook.com': TOKEN } },
};

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
});
afterAll(async () => {
  await server.close();
});

function lastRequest(route: string): Exchange['request'] {
  const exchange = server.exchanges(route).at(-1);
  if (exchange === undefined) throw new Error(`no request reached ${route}`);
  return exchange.request;
}

describe('the fetch transport sends what the SDK sends', () => {
  it.each(Object.keys(INPUTS) as CognitoOperation[])('%s: POST to the endpoint path, awsJson1.1 headers, the same JSON body', async (operation) => {
    const input = INPUTS[operation];
    const fetchRoute = server.route(`request-fetch-${operation}`, json(200, {}));
    await createFetchTransport({ region: 'us-east-1', endpoint: fetchRoute }).send(operation, input, noAbort());
    const sdkRoute = server.route(`request-sdk-${operation}`, json(200, {}));
    const client = sdkClient({ region: 'us-east-1', endpoint: sdkRoute });
    const command =
      operation === 'GetId' ? new GetIdCommand(INPUTS.GetId) : operation === 'GetOpenIdToken' ? new GetOpenIdTokenCommand(INPUTS.GetOpenIdToken) : new GetCredentialsForIdentityCommand(INPUTS.GetCredentialsForIdentity);
    await client.send(command as GetIdCommand);
    client.destroy();

    const sent = lastRequest(`request-fetch-${operation}`);
    const reference = lastRequest(`request-sdk-${operation}`);
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe(`/request-fetch-${operation}/`);
    expect(sent.headers['content-type']).toBe(reference.headers['content-type']);
    expect(sent.headers['x-amz-target']).toBe(`AWSCognitoIdentityService.${operation}`);
    expect(sent.headers['x-amz-target']).toBe(reference.headers['x-amz-target']);
    expect(JSON.parse(sent.body)).toEqual(JSON.parse(reference.body));
    // Unsigned, and no cookies or credentials of any kind.
    expect(sent.headers).not.toHaveProperty('authorization');
    expect(sent.headers).not.toHaveProperty('cookie');
  });

  it('sends only the modeled fields of the input, and the Logins as their own entries', async () => {
    const route = server.route('request-fields', json(200, {}));
    const logins = Object.create({ inherited: 'not-sent' }) as Record<string, string>;
    Object.defineProperty(logins, '__proto__', { value: 'own-entry', enumerable: true });
    const input = { IdentityPoolId: INPUTS.GetId.IdentityPoolId, Logins: logins, Extra: 'not-sent' } as InputOf<'GetId'>;
    await createFetchTransport({ region: 'us-east-1', endpoint: route }).send('GetId', input, noAbort());
    expect(lastRequest('request-fields').body).toBe(`{"IdentityPoolId":"${INPUTS.GetId.IdentityPoolId}","Logins":{"__proto__":"own-entry"}}`);
  });

  it('uses an injected fetch, and globalThis.fetch as it is at each call by default', async () => {
    const route = server.route('request-injected', json(200, { IdentityId: 'us-east-1:injected' }));
    const seen: string[] = [];
    const original = globalThis.fetch;
    const recording: typeof fetch = (url, init) => {
      seen.push(String(url));
      return original(url, init);
    };
    const injected = createFetchTransport({ region: 'us-east-1', endpoint: route, fetch: recording });
    expect((await injected.send('GetId', INPUTS.GetId, noAbort())).output.IdentityId).toBe('us-east-1:injected');
    expect(seen).toEqual([`${route}/`]);

    const byDefault = createFetchTransport({ region: 'us-east-1', endpoint: route });
    globalThis.fetch = recording;
    try {
      await byDefault.send('GetId', INPUTS.GetId, noAbort());
    } finally {
      globalThis.fetch = original;
    }
    expect(seen).toHaveLength(2);
  });

  it('resolves the endpoint from the region when none is given', async () => {
    const urls: string[] = [];
    const capture: typeof fetch = (url) => {
      urls.push(String(url));
      return Promise.reject(new TypeError('fetch failed'));
    };
    for (const region of ['eu-west-1', 'cn-north-1', 'us-gov-west-1']) {
      await rejectionOf(createFetchTransport({ region, fetch: capture }).send('GetId', INPUTS.GetId, noAbort()));
    }
    await rejectionOf(createFetchTransport({ region: 'us-east-1', useFipsEndpoint: true, fetch: capture }).send('GetId', INPUTS.GetId, noAbort()));
    expect(urls).toEqual([
      'https://cognito-identity.eu-west-1.amazonaws.com/',
      'https://cognito-identity.cn-north-1.amazonaws.com.cn/',
      'https://cognito-identity.us-gov-west-1.amazonaws.com/',
      'https://cognito-identity-fips.us-east-1.amazonaws.com/',
    ]);
  });

  it('refuses endpoints it must not post tokens to, and bad options, when created', () => {
    for (const endpoint of ['ftp://127.0.0.1/', 'not a url', 'https://user:pass@cognito.example/', 'javascript:alert(1)']) {
      expect(() => createFetchTransport({ region: 'us-east-1', endpoint })).toThrow(TypeError);
    }
    expect(() => createFetchTransport({ region: 'us-east-1', endpoint: 'https://cognito.example', useFipsEndpoint: true })).toThrow(CognitoEndpointError);
    expect(() => createFetchTransport({ region: 'us-east-1.evil.example' })).toThrow(TypeError);
    expect(() => createFetchTransport({ region: 'us-east-1', fetch: 'fetch' as unknown as typeof fetch })).toThrow(TypeError);
  });
});

describe('the SDK transport uses the app client as it is', () => {
  it("sends through the client's own middleware and leaves the client's stack as it was", async () => {
    const route = server.route('request-client', json(200, { IdentityId: 'us-east-1:from-client' }));
    const client = sdkClient({ region: 'us-east-1', endpoint: route });
    client.middlewareStack.add(
      (next) => (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-app-header'] = 'kept';
        return next(args);
      },
      { step: 'build', name: 'appHeader' },
    );
    const before = client.middlewareStack.identify();
    const { output } = await createSdkTransport(client).send('GetId', INPUTS.GetId, noAbort());
    expect(output).toEqual({ IdentityId: 'us-east-1:from-client' });
    expect(lastRequest('request-client').headers['x-app-header']).toBe('kept');
    expect(client.middlewareStack.identify()).toEqual(before);
    client.destroy();
  });

  it('refuses what is not a client', () => {
    expect(() => createSdkTransport({} as never)).toThrow(TypeError);
    expect(() => createSdkTransport(null as never)).toThrow(TypeError);
  });
});
