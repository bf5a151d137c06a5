import {
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenCommand,
  type CognitoIdentityClient,
} from '@aws-sdk/client-cognito-identity';
import type { DeserializeHandler, DeserializeHandlerArguments, DeserializeHandlerOutput, MiddlewareStack } from '@smithy/types';
import { readCognitoOutput } from './cognito-output';
import { announcesTooLarge, MAX_RESPONSE_BYTES, parseJsonBody, readBoundedBody } from './cognito-response-body';
import { abortError, notJsonError, responseMetadata, tooLargeError, type HeaderReader } from './cognito-service-error';
import type {
  CognitoAnswer,
  CognitoOperation,
  CognitoSendOptions,
  CognitoTransport,
  GetCredentialsForIdentityInput,
  GetIdInput,
  GetOpenIdTokenInput,
  InputOf,
} from './cognito-transport';

interface RawResponse {
  statusCode?: unknown;
  headers?: unknown;
  body?: unknown;
}

function headerReader(headers: unknown): HeaderReader {
  return (name) => {
    if (typeof headers !== 'object' || headers === null) return undefined;
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
    const value: unknown = key === undefined ? undefined : Object.getOwnPropertyDescriptor(headers, key)?.value;
    return typeof value === 'string' ? value : undefined;
  };
}

/** Stops a body that will not be read: a Node stream is destroyed, a web stream cancelled. */
function discard(body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  try {
    const { destroy, cancel } = body as { destroy?: unknown; cancel?: unknown };
    if (typeof destroy === 'function') destroy.call(body);
    else if (typeof cancel === 'function') (cancel.call(body) as Promise<void>).catch(() => undefined);
  } catch {
    // Nothing more to do for a body that refuses to stop.
  }
}

/**
 * Sits between the SDK's HTTP handler and its deserializer (the deserialize step, low priority):
 * reads the `Date` header, and reads the body itself within {@link MAX_RESPONSE_BYTES}, refusing
 * a body that is not JSON before the SDK's parser could quote it (a truncated answer would put the
 * SecretKey in the message). The SDK then deserializes the bytes as it would have.
 */
function answerGuard(onDate: (date: number) => void) {
  return <I extends object, O extends object>(next: DeserializeHandler<I, O>) =>
    async (args: DeserializeHandlerArguments<I>): Promise<DeserializeHandlerOutput<O>> => {
      const result = await next(args);
      const response = result.response as RawResponse;
      if (typeof response !== 'object' || response === null) return result;
      const header = headerReader(response.headers);
      const date = Date.parse(header('date') ?? '');
      if (Number.isFinite(date)) onDate(date);
      const metadata = () => responseMetadata(typeof response.statusCode === 'number' ? response.statusCode : 0, header);
      if (announcesTooLarge(header('content-length'))) {
        discard(response.body);
        throw tooLargeError(metadata(), MAX_RESPONSE_BYTES);
      }
      const read = await readBoundedBody(response.body);
      if (read.kind === 'tooLarge') throw tooLargeError(metadata(), MAX_RESPONSE_BYTES);
      // A body of a kind only a custom request handler produces: the SDK reads it, unbounded.
      if (read.kind === 'unreadable') return result;
      if (parseJsonBody(read.bytes) === undefined) throw notJsonError(metadata());
      response.body = read.bytes;
      return result;
    };
}

function guard<I extends object, O extends object>(stack: MiddlewareStack<I, O>, onDate: (date: number) => void): void {
  stack.add(answerGuard(onDate)<I, O>, { step: 'deserialize', priority: 'low', name: 'idpoolAnswerGuard', override: true });
}

async function sendCommand(
  client: CognitoIdentityClient,
  operation: CognitoOperation,
  input: object,
  abortSignal: AbortSignal,
  onDate: (date: number) => void,
): Promise<unknown> {
  switch (operation) {
    case 'GetId': {
      const command = new GetIdCommand(input as GetIdInput);
      guard(command.middlewareStack, onDate);
      return client.send(command, { abortSignal });
    }
    case 'GetCredentialsForIdentity': {
      const command = new GetCredentialsForIdentityCommand(input as GetCredentialsForIdentityInput);
      guard(command.middlewareStack, onDate);
      return client.send(command, { abortSignal });
    }
    case 'GetOpenIdToken': {
      const command = new GetOpenIdTokenCommand(input as GetOpenIdTokenInput);
      guard(command.middlewareStack, onDate);
      return client.send(command, { abortSignal });
    }
    default:
      throw new TypeError(`unknown Cognito operation ${String(operation)}`);
  }
}

/**
 * A {@link CognitoTransport} over an app's own `CognitoIdentityClient` (its region, endpoint,
 * request handler, middleware and retry settings): GetIdCommand & co. with the caller's abort
 * signal, the `Date` header read from the raw response, and the answer bounded and checked as
 * the fetch transport does. The SDK's errors are handed on as the SDK throws them (an abort, even
 * one that cuts the body short, is the SDK's `AbortError`).
 *
 * @example
 * ```ts
 * const transport = createSdkTransport(new CognitoIdentityClient({ region: 'eu-west-1', maxAttempts: 1 }));
 * const { output } = await transport.send('GetId', { IdentityPoolId: 'eu-west-1:…' }, { signal: AbortSignal.timeout(15_000) });
 * ```
 */
export function createSdkTransport(client: CognitoIdentityClient): CognitoTransport {
  if (typeof client !== 'object' || client === null || typeof client.send !== 'function') {
    throw new TypeError('client must be a CognitoIdentityClient');
  }
  async function send<O extends CognitoOperation>(operation: O, input: InputOf<O>, { signal }: CognitoSendOptions): Promise<CognitoAnswer<O>> {
    if (signal.aborted) throw abortError(signal);
    let serverDate: number | undefined;
    const output = await sendCommand(client, operation, input, signal, (date) => {
      serverDate = date;
    });
    return { output: readCognitoOutput(operation, output), ...(serverDate !== undefined ? { serverDate } : {}) };
  }
  return { send };
}
