import { GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from './local-stack';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ allowUnauthenticated: true });
});
afterAll(async () => {
  await stack.close();
});

const JSON_TYPE = 'application/x-amz-json-1.1';

async function post(
  body: BodyInit,
  headers: Record<string, string> = { 'content-type': JSON_TYPE, 'x-amz-target': 'AWSCognitoIdentityService.GetId' },
): Promise<{ status: number; json: { __type?: string; message?: string } }> {
  const response = await fetch(stack.pool.endpoint, { method: 'POST', headers, body, ...({ duplex: 'half' } as object) });
  const text = await response.text();
  return { status: response.status, json: text === '' ? {} : (JSON.parse(text) as { __type?: string; message?: string }) };
}

async function stillServes(): Promise<void> {
  const { IdentityId } = await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId }));
  expect(IdentityId).toBeDefined();
}

describe('malformed requests get Cognito error shapes and the server keeps serving', () => {
  it('bad JSON → SerializationException', async () => {
    const { status, json } = await post('{"IdentityPoolId": ');
    expect(status).toBe(400);
    expect(json.__type).toBe('SerializationException');
    await stillServes();
  });

  it('a JSON array or a wrong field type → SerializationException', async () => {
    expect((await post('[1,2]')).json.__type).toBe('SerializationException');
    expect((await post(JSON.stringify({ IdentityPoolId: 5 }))).json.__type).toBe('SerializationException');
    expect((await post(JSON.stringify({ IdentityPoolId: stack.pool.identityPoolId, Logins: ['x'] }))).json.__type).toBe(
      'SerializationException',
    );
    expect((await post(JSON.stringify({ IdentityPoolId: stack.pool.identityPoolId, Logins: { a: 1 } }))).json.__type).toBe(
      'SerializationException',
    );
    await stillServes();
  });

  it('missing required fields → ValidationException naming each', async () => {
    const { status, json } = await post('{}');
    expect(status).toBe(400);
    expect(json).toEqual({
      __type: 'ValidationException',
      message: "1 validation error detected: Value null at 'identityPoolId' failed to satisfy constraint: Member must not be null",
    });
    const creds = await post('{}', {
      'content-type': JSON_TYPE,
      'x-amz-target': 'AWSCognitoIdentityService.GetCredentialsForIdentity',
    });
    expect(creds.json.message).toContain("Value null at 'identityId'");
  });

  it('too many Logins or an empty token → ValidationException that does not echo tokens', async () => {
    const logins = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`p${i}.example`, `secret-token-${i}`]));
    const many = await post(JSON.stringify({ IdentityPoolId: stack.pool.identityPoolId, Logins: logins }));
    expect(many.json.__type).toBe('ValidationException');
    expect(many.json.message).not.toContain('secret-token');
    const empty = await post(JSON.stringify({ IdentityPoolId: stack.pool.identityPoolId, Logins: { 'graph.facebook.com': '' } }));
    expect(empty.json.__type).toBe('ValidationException');
  });

  it('an unknown or missing target, a wrong method or content type → UnknownOperationException', async () => {
    const unknown = await post('{}', { 'content-type': JSON_TYPE, 'x-amz-target': 'AWSCognitoIdentityService.DeleteEverything' });
    expect(unknown).toEqual({ status: 400, json: { __type: 'UnknownOperationException' } });
    const foreign = await post('{}', { 'content-type': JSON_TYPE, 'x-amz-target': 'DynamoDB_20120810.GetItem' });
    expect(foreign.json.__type).toBe('UnknownOperationException');
    const missing = await post('{}', { 'content-type': JSON_TYPE });
    expect(missing.json.__type).toBe('UnknownOperationException');
    const wrongType = await post(JSON.stringify({ IdentityPoolId: stack.pool.identityPoolId }), {
      'content-type': 'text/plain',
      'x-amz-target': 'AWSCognitoIdentityService.GetId',
    });
    expect(wrongType.json.__type).toBe('UnknownOperationException');
    const get = await fetch(stack.pool.endpoint);
    expect(get.status).toBe(400);
    expect(((await get.json()) as { __type: string }).__type).toBe('UnknownOperationException');
    await stillServes();
  });

  it('a body over 1 MB → 413 SerializationException, with or without Content-Length', async () => {
    const big = JSON.stringify({ IdentityPoolId: stack.pool.identityPoolId, Logins: { 'graph.facebook.com': 'x'.repeat(1_100_000) } });
    const declared = await post(big);
    expect(declared.status).toBe(413);
    expect(declared.json.__type).toBe('SerializationException');

    const chunks = Array.from({ length: 20 }, () => new TextEncoder().encode('y'.repeat(64 * 1024)));
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(next);
      },
    });
    const streamed = await post(stream);
    expect(streamed.status).toBe(413);
    await stillServes();
  });

  it('counts malformed requests under their operation, or Unknown', async () => {
    stack.pool.resetStats();
    await post('nope');
    await post('{}', { 'content-type': JSON_TYPE });
    const stats = stack.pool.stats();
    expect(stats.requests).toEqual({ GetId: 1, Unknown: 1 });
    expect(stats.errors).toEqual({ GetId: { SerializationException: 1 }, Unknown: { UnknownOperationException: 1 } });
  });
});
