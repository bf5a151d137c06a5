import { resolveCognitoEndpoint } from './cognito-endpoint';
import { readCognitoOutput } from './cognito-output';
import { announcesTooLarge, MAX_RESPONSE_BYTES, parseJsonBody, readBoundedBody, type BodyRead } from './cognito-response-body';
import { abortError, notJsonError, responseMetadata, serviceErrorOf, tooLargeError, type HeaderReader } from './cognito-service-error';
import type { CognitoAnswer, CognitoOperation, CognitoSendOptions, CognitoTransport, InputOf } from './cognito-transport';

export interface FetchTransportOptions {
  /** The region of the identity pool; picks the endpoint in its partition. */
  region: string;
  /** Any Cognito Identity endpoint instead (the local identity pool's, a proxy): an http(s) URL without credentials. */
  endpoint?: string;
  useFipsEndpoint?: boolean;
  useDualstackEndpoint?: boolean;
  /** Default `globalThis.fetch`, looked up at each call (a polyfill installed later is used). */
  fetch?: typeof globalThis.fetch;
}

const TARGET_PREFIX = 'AWSCognitoIdentityService.';

// The fields each operation sends; anything else on the input object stays home.
const INPUT_FIELDS: ReadonlyMap<CognitoOperation, readonly string[]> = new Map<CognitoOperation, readonly string[]>([
  ['GetId', ['IdentityPoolId', 'AccountId', 'Logins']],
  ['GetCredentialsForIdentity', ['IdentityId', 'Logins', 'CustomRoleArn']],
  ['GetOpenIdToken', ['IdentityId', 'Logins']],
]);

function field(input: object, name: string): unknown {
  return Object.getOwnPropertyDescriptor(input, name)?.value;
}

function requestBody(operation: CognitoOperation, input: object): string {
  const body: Record<string, unknown> = {};
  for (const name of INPUT_FIELDS.get(operation) ?? []) {
    const value = field(input, name);
    if (value === undefined) continue;
    // A copy of the own entries: a Logins object with a prototype or getters sends what it holds.
    body[name] = name === 'Logins' && typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value)) : value;
  }
  return JSON.stringify(body);
}

/** The Logins tokens of a request: what an echoing endpoint must not get into an error message. */
function secretsOf(input: object): string[] {
  const logins = field(input, 'Logins');
  if (typeof logins !== 'object' || logins === null) return [];
  return Object.values(logins).filter((value): value is string => typeof value === 'string');
}

/** The URL requests go to: the SDK posts to the endpoint's path with a trailing slash. */
function requestUrl(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError('endpoint must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('endpoint must be an http(s) URL');
  // fetch refuses such URLs, and a password in a URL is a secret headed for error messages.
  if (url.username !== '' || url.password !== '') throw new TypeError('endpoint must not contain credentials');
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

/** A failed fetch (no answer) as the SDK hands it on: the same error, with the retry middleware's `$metadata`. */
function networkFailure(error: unknown): unknown {
  if (typeof error === 'object' && error !== null) {
    try {
      if (Reflect.get(error, '$metadata') === undefined) Reflect.set(error, '$metadata', { attempts: 1, totalRetryDelay: 0 });
    } catch {
      // A frozen or hostile value from an injected fetch: handed on as it is.
    }
  }
  return error;
}

function serverDateOf(header: HeaderReader): number | undefined {
  const value = header('date');
  const parsed = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/**
 * A {@link CognitoTransport} over `fetch`: awsJson1.1 (`POST`, `X-Amz-Target`, a JSON body),
 * unsigned, as GetId, GetCredentialsForIdentity and GetOpenIdToken are. No AWS SDK code: this
 * is the browser bundle's transport. Errors are shaped as the SDK's (see `cognito-service-error.ts`);
 * answers are read incrementally up to 1 MB; redirects are not followed (the Logins would go along).
 *
 * @example
 * ```ts
 * const transport = createFetchTransport({ region: 'eu-west-1' });
 * const { output } = await transport.send('GetId', { IdentityPoolId: 'eu-west-1:…' }, { signal: AbortSignal.timeout(15_000) });
 * ```
 */
export function createFetchTransport(options: FetchTransportOptions): CognitoTransport {
  const url = requestUrl(
    resolveCognitoEndpoint({
      region: options.region,
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      ...(options.useFipsEndpoint !== undefined ? { useFipsEndpoint: options.useFipsEndpoint } : {}),
      ...(options.useDualstackEndpoint !== undefined ? { useDualstackEndpoint: options.useDualstackEndpoint } : {}),
    }),
  );
  const injected = options.fetch;
  if (injected !== undefined && typeof injected !== 'function') throw new TypeError('fetch must be a function');
  const fetchFn: typeof globalThis.fetch = injected ?? ((input, init) => globalThis.fetch(input, init));

  async function send<O extends CognitoOperation>(operation: O, input: InputOf<O>, { signal }: CognitoSendOptions): Promise<CognitoAnswer<O>> {
    if (signal.aborted) throw abortError(signal);
    const secrets = secretsOf(input);
    let response: Response;
    try {
      response = await fetchFn(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `${TARGET_PREFIX}${operation}` },
        body: requestBody(operation, input),
        signal,
        redirect: 'manual',
        credentials: 'omit',
      });
    } catch (error) {
      throw signal.aborted ? abortError(signal) : networkFailure(error);
    }
    const header: HeaderReader = (name) => response.headers.get(name) ?? undefined;
    if (announcesTooLarge(header('content-length'))) {
      response.body?.cancel().catch(() => undefined);
      throw tooLargeError(responseMetadata(response.status, header), MAX_RESPONSE_BYTES);
    }
    let read: BodyRead;
    try {
      read = await readBoundedBody(response.body);
    } catch (error) {
      throw signal.aborted ? abortError(signal) : networkFailure(error);
    }
    if (read.kind === 'tooLarge') throw tooLargeError(responseMetadata(response.status, header), MAX_RESPONSE_BYTES);
    const body = read.kind === 'bytes' ? parseJsonBody(read.bytes) : undefined;
    if (body === undefined) throw notJsonError(responseMetadata(response.status, header));
    // Like the SDK: 2xx is an answer, anything else (a 3xx not followed included) an error.
    if (response.status < 200 || response.status >= 300) throw serviceErrorOf(response.status, header, body, secrets);
    const serverDate = serverDateOf(header);
    return { output: readCognitoOutput(operation, body), ...(serverDate !== undefined ? { serverDate } : {}) };
  }

  return { send };
}
