import { redactSecrets } from '../errors/redact-secrets';

/** `$metadata` as the AWS SDK sets it on errors (one attempt: retries are the machine's, not the transport's). */
export interface CognitoResponseMetadata {
  httpStatusCode?: number;
  requestId?: string;
  extendedRequestId?: string;
  cfId?: string;
  attempts: number;
  totalRetryDelay: number;
}

/** A response header by name, case-insensitively (as `Headers.get`); undefined when absent. */
export type HeaderReader = (name: string) => string | undefined;

// Cognito Identity's modeled errors and their `error` trait, from the SDK's schemas: only
// InternalErrorException is the server's fault, whatever the status. A Map: the name is request text.
const MODELED_FAULTS: ReadonlyMap<string, 'client' | 'server'> = new Map([
  ['ConcurrentModificationException', 'client'],
  ['DeveloperUserAlreadyRegisteredException', 'client'],
  ['ExternalServiceException', 'client'],
  ['InternalErrorException', 'server'],
  ['InvalidIdentityPoolConfigurationException', 'client'],
  ['InvalidParameterException', 'client'],
  ['LimitExceededException', 'client'],
  ['NotAuthorizedException', 'client'],
  ['ResourceConflictException', 'client'],
  ['ResourceNotFoundException', 'client'],
  ['TooManyRequestsException', 'client'],
]);

/** The SDK's `$metadata` of a response: status and the ids support asks for. */
export function responseMetadata(status: number, header: HeaderReader): CognitoResponseMetadata {
  const requestId = header('x-amzn-requestid') ?? header('x-amzn-request-id') ?? header('x-amz-request-id');
  const extendedRequestId = header('x-amz-id-2');
  const cfId = header('x-amz-cf-id');
  return {
    httpStatusCode: status,
    ...(requestId !== undefined ? { requestId } : {}),
    ...(extendedRequestId !== undefined ? { extendedRequestId } : {}),
    ...(cfId !== undefined ? { cfId } : {}),
    attempts: 1,
    totalRetryDelay: 0,
  };
}

/** A Cognito error answer, shaped as the AWS SDK's `CognitoIdentityServiceException` (and its modeled subclasses). */
export class CognitoServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: CognitoResponseMetadata;
  /** The body's own `code` field, copied as the SDK copies it (absent, not undefined, otherwise). */
  declare readonly code?: string;

  constructor(fields: { name: string; message: string; $fault: 'client' | 'server'; $metadata: CognitoResponseMetadata; code?: string }) {
    super(fields.message);
    this.name = fields.name;
    this.$fault = fields.$fault;
    this.$metadata = fields.$metadata;
    if (fields.code !== undefined) Object.defineProperty(this, 'code', { value: fields.code, enumerable: true });
  }
}

/**
 * An answer idpool refused to read, shaped as the SDK's deserialization failures (a name, a
 * message, `$metadata`, no `$fault`): `SyntaxError` for a body that is not JSON,
 * `ResponseTooLargeError` past the size bound. The message never quotes the body.
 */
export class CognitoAnswerError extends Error {
  readonly $metadata: CognitoResponseMetadata;

  constructor(name: 'SyntaxError' | 'ResponseTooLargeError', message: string, $metadata: CognitoResponseMetadata) {
    super(message);
    this.name = name;
    this.$metadata = $metadata;
  }
}

export function notJsonError($metadata: CognitoResponseMetadata): CognitoAnswerError {
  return new CognitoAnswerError('SyntaxError', `Cognito answered HTTP ${$metadata.httpStatusCode ?? 0} with a body that is not JSON.`, $metadata);
}

export function tooLargeError($metadata: CognitoResponseMetadata, maxBytes: number): CognitoAnswerError {
  return new CognitoAnswerError('ResponseTooLargeError', `Cognito's answer (HTTP ${$metadata.httpStatusCode ?? 0}) is larger than ${maxBytes} bytes; it was not read.`, $metadata);
}

/** As the SDK's HTTP handlers reject on abort: an `AbortError`, the signal's reason as cause when it is an error. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  const error = new Error('Request aborted', reason instanceof Error ? { cause: reason } : undefined);
  error.name = 'AbortError';
  return error;
}

function own(body: unknown, key: string): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  return Object.getOwnPropertyDescriptor(body, key)?.value;
}

/** The SDK's `sanitizeErrorCode`: `ns#Name:detail,more` → `Name`. */
function sanitizeErrorCode(raw: string | number): string {
  let value = String(raw);
  value = value.split(',')[0] ?? '';
  value = value.split(':')[0] ?? '';
  return value.includes('#') ? (value.split('#')[1] ?? '') : value;
}

function codeLike(value: unknown): string | number | undefined {
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}

/** The error name where awsJson1.1 puts it, in the SDK's order: `__type`, a `code` field (any case), `x-amzn-ErrorType`. */
function errorName(body: unknown, header: HeaderReader): string {
  const type = codeLike(own(body, '__type'));
  if (type !== undefined) return sanitizeErrorCode(type);
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const codeKey = Object.keys(body).find((key) => key.toLowerCase() === 'code');
    const code = codeKey === undefined ? undefined : codeLike(own(body, codeKey));
    if (code !== undefined) return sanitizeErrorCode(code);
  }
  const fromHeader = header('x-amzn-errortype');
  return fromHeader !== undefined ? sanitizeErrorCode(fromHeader) : 'Unknown';
}

/** The SDK's message rule: `message`, else `Message`, else "UnknownError" (an empty text counts as none). */
function messageOf(body: unknown): string {
  for (const key of ['message', 'Message']) {
    const value = own(body, key);
    if (typeof value === 'string' && value !== '') return value;
  }
  return 'UnknownError';
}

/**
 * The error the AWS SDK would throw for this error answer (status ≥ 300, `body` its parsed JSON
 * or `{}`), with the request's `secrets` (its Logins tokens) removed from the message and a name
 * that quotes one replaced: a hostile endpoint may echo the request.
 */
export function serviceErrorOf(status: number, header: HeaderReader, body: unknown, secrets: readonly string[]): CognitoServiceError {
  const name = errorName(body, header);
  const code = own(body, 'code');
  return new CognitoServiceError({
    name: redactSecrets(name, secrets) === name ? name : 'Unknown',
    message: redactSecrets(messageOf(body), secrets),
    $fault: MODELED_FAULTS.get(name) ?? (status < 500 ? 'client' : 'server'),
    $metadata: responseMetadata(status, header),
    ...(typeof code === 'string' && code !== '' ? { code: redactSecrets(code, secrets) } : {}),
  });
}
