import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { accessDenied, CognitoError, internalError, serializationError, unknownOperation } from './cognito-errors';
import {
  parseGetCredentialsForIdentityInput,
  parseGetIdInput,
  parseGetOpenIdTokenForDeveloperIdentityInput,
  parseGetOpenIdTokenInput,
} from './cognito-input';
import {
  getCredentialsForIdentity,
  getId,
  getOpenIdToken,
  getOpenIdTokenForDeveloperIdentity,
  type OperationContext,
} from './cognito-operations';
import { authorizeDeveloperRequest } from './developer-auth';
import { cognitoFaultError, stsFaultError } from './fault-answers';
import type { FaultQueue } from './faults';
import { parseJsonBody } from './input-validation';
import { MAX_BODY_BYTES } from './local-defaults';
import { readBody } from './read-body';
import { cognitoReply, stsReply, type Reply } from './server-replies';
import { requestUrl } from './server-guards';
import type { SignedRequest } from './sigv4-verifier';
import type { StatsRecorder } from './stats';
import { handleSts, stsAction, stsError } from './sts-handler';

const TARGET_PREFIX = 'AWSCognitoIdentityService.';
// Browsers call Cognito cross-origin; like the real endpoint, allow any origin and expose what SDKs read.
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date',
};
const JSON_CONTENT_TYPES = new Set(['application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'application/json']);

type Operation = (ctx: OperationContext, input: Record<string, unknown>, skewSeconds: number) => Promise<object>;

// A Map, not an object: the name comes from X-Amz-Target, and `constructor` or `toString`
// must find nothing rather than a function of Object.prototype.
const OPERATIONS: ReadonlyMap<string, Operation> = new Map<string, Operation>([
  ['GetId', (ctx, input) => getId(ctx, parseGetIdInput(input))],
  [
    'GetCredentialsForIdentity',
    (ctx, input, skew) => getCredentialsForIdentity(ctx, parseGetCredentialsForIdentityInput(input), skew),
  ],
  ['GetOpenIdToken', (ctx, input) => getOpenIdToken(ctx, parseGetOpenIdTokenInput(input))],
  [
    'GetOpenIdTokenForDeveloperIdentity',
    (ctx, input) => getOpenIdTokenForDeveloperIdentity(ctx, parseGetOpenIdTokenForDeveloperIdentityInput(input)),
  ],
]);

const STS_ACTIONS: ReadonlySet<string> = new Set(['GetCallerIdentity']);
const UNKNOWN = 'Unknown';

interface Route {
  readonly service: 'cognito' | 'sts';
  readonly op: string;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function routeOf(req: IncomingMessage): Route {
  const target = headerValue(req, 'x-amz-target');
  if (target !== undefined) {
    // Names the pool does not serve are counted (and matched by faults) as `Unknown`, so request text never keys anything.
    const name = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    return { service: 'cognito', op: OPERATIONS.has(name) ? name : UNKNOWN };
  }
  const contentType = headerValue(req, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  const scopedToSts = /Credential=[^/]+\/\d{8}\/[^/]+\/sts\//.test(headerValue(req, 'authorization') ?? '');
  if (contentType === 'application/x-www-form-urlencoded' || scopedToSts) return { service: 'sts', op: UNKNOWN };
  return { service: 'cognito', op: UNKNOWN };
}

export interface IdentityPoolServerDeps {
  readonly ctx: OperationContext;
  readonly stats: StatsRecorder;
  readonly faults: FaultQueue;
  readonly jwks: () => Promise<object>;
}

/** Routes HTTP requests to Cognito Identity operations or STS, applying injected faults and counting stats. */
export class IdentityPoolServer {
  private readonly closing = new AbortController();

  constructor(private readonly deps: IdentityPoolServerDeps) {}

  /** Stops pending latency faults so close() does not wait for them. */
  abortPending(): void {
    this.closing.abort();
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.serve(req, res).catch(() => {
      // Whatever went wrong, answer like Cognito would rather than crash.
      if (!res.headersSent && !res.destroyed) this.send(res, cognitoReply(internalError()), 0);
    });
  };

  /** Answers a request whose Host is not loopback (DNS rebinding): 403 in the shape its service uses. */
  readonly refuseHost = (req: IncomingMessage, res: ServerResponse): void => {
    const message = 'The Host header does not name this local endpoint.';
    const reply =
      routeOf(req).service === 'sts' ? stsReply(stsError(403, 'AccessDenied', message)) : cognitoReply(accessDenied(message));
    // No CORS headers: a page that reached us through a rebound name must not read the answer.
    this.send(res, { ...reply, noCors: true }, 0);
  };

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { ctx, stats, faults } = this.deps;
    const url = requestUrl(req.url);
    if (url === undefined) {
      this.send(res, cognitoReply(serializationError('The request target is not a valid URL.')), 0);
      return;
    }
    if (req.method === 'OPTIONS') {
      // CORS preflight: answered, not counted as an operation.
      res.writeHead(204, {
        ...CORS_HEADERS,
        'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
        'Access-Control-Allow-Headers': headerValue(req, 'access-control-request-headers') ?? '*',
        'Access-Control-Max-Age': '86400',
      });
      res.end();
      return;
    }
    if (req.method === 'GET' && url.pathname === '/.well-known/jwks_uri') {
      this.send(res, { status: 200, contentType: 'application/json', body: JSON.stringify(await this.deps.jwks()) }, 0);
      return;
    }

    const route = routeOf(req);
    const read = await readBody(req, MAX_BODY_BYTES);
    if (read.kind === 'aborted') return;
    const body = read.kind === 'ok' ? read.body : '';
    const action = route.service === 'sts' && read.kind === 'ok' ? stsAction(body) : undefined;
    const op = action !== undefined && STS_ACTIONS.has(action) ? action : route.op;
    const end = stats.begin(op);
    res.on('close', end);

    const recordAndSend = (reply: Reply, skewSeconds: number): void => {
      if (reply.errorName !== undefined) stats.error(op, reply.errorName);
      this.send(res, reply, skewSeconds);
    };

    if (read.kind === 'tooLarge') {
      const error = serializationError(`Request body exceeds the maximum size of ${MAX_BODY_BYTES} bytes.`);
      recordAndSend({ ...cognitoReply(error), status: 413 }, 0);
      return;
    }

    const fault = faults.take(op);
    let skewSeconds = 0;
    if (fault !== undefined) {
      if (fault.kind === 'drop') {
        stats.error(op, 'ConnectionDropped');
        end();
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'latency' && !(await this.delay(fault.delayMs))) return;
      if (fault.kind === 'clockSkew') skewSeconds = fault.skewSeconds;
      if (route.service === 'sts') {
        const injected = stsFaultError(fault);
        if (injected !== undefined) return recordAndSend(stsReply(injected), 0);
      } else {
        const injected = cognitoFaultError(fault, body, ctx.settings.identityPoolId);
        if (injected !== undefined) return recordAndSend(cognitoReply(injected), 0);
      }
    }

    const signed: SignedRequest = { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body };
    if (route.service === 'sts') {
      recordAndSend(stsReply(await handleSts(signed, ctx.credentials, ctx.settings.region, ctx.settings.now())), skewSeconds);
      return;
    }
    recordAndSend(await this.cognito(req, op, signed, skewSeconds), skewSeconds);
  }

  private async cognito(req: IncomingMessage, op: string, signed: SignedRequest, skewSeconds: number): Promise<Reply> {
    const { ctx } = this.deps;
    try {
      const operation = OPERATIONS.get(op);
      const contentType = headerValue(req, 'content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
      if (req.method !== 'POST' || operation === undefined || !JSON_CONTENT_TYPES.has(contentType)) {
        throw unknownOperation();
      }
      if (op === 'GetOpenIdTokenForDeveloperIdentity') {
        await authorizeDeveloperRequest(signed, ctx.settings.developerCredentials, ctx.settings.region, ctx.settings.now());
      }
      const result = await operation(ctx, parseJsonBody(signed.body), skewSeconds);
      return { status: 200, contentType: 'application/x-amz-json-1.1', body: JSON.stringify(result) };
    } catch (error) {
      if (error instanceof CognitoError) return cognitoReply(error);
      throw error;
    }
  }

  private delay(ms: number): Promise<boolean> {
    const signal = this.closing.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private send(res: ServerResponse, reply: Reply, skewSeconds: number): void {
    if (res.destroyed || res.headersSent) return;
    const date = new Date(this.deps.ctx.settings.now() + skewSeconds * 1000);
    res.writeHead(reply.status, {
      ...(reply.noCors === true ? {} : CORS_HEADERS),
      ...reply.headers,
      'Content-Type': reply.contentType,
      'Content-Length': Buffer.byteLength(reply.body),
      Date: date.toUTCString(),
      'x-amzn-RequestId': randomUUID(),
    });
    res.end(reply.body);
  }
}
