import type { IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest, QueryParameterBag, SourceData } from '@smithy/types';
import { requestUrl } from './server-guards';

/** The parts of an incoming request that a SigV4 signature covers. */
export interface SignedRequest {
  readonly method: string;
  /** Request target as received, e.g. `/` or `/?a=b`. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What an `Authorization: AWS4-HMAC-SHA256 …` header claims. */
export interface SigV4Authorization {
  readonly accessKeyId: string;
  readonly scopeDate: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  readonly amzDate: string;
  readonly signingDate: Date;
}

export type ParsedAuthorization =
  | { readonly kind: 'signed'; readonly authorization: SigV4Authorization }
  | { readonly kind: 'missing' }
  | { readonly kind: 'malformed'; readonly message: string };

/** Allowed distance between the request's x-amz-date and the server clock, as in AWS. */
export const SIGNING_TOLERANCE_MS = 15 * 60 * 1000;

class Sha256 extends Hash {
  constructor(secret?: SourceData) {
    super('sha256', secret);
  }
}

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE_PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

// Header names come from the request (SignedHeaders): only own entries count, never Object.prototype's.
function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  if (!Object.hasOwn(headers, name)) return undefined;
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

export function parseAuthorization(headers: IncomingHttpHeaders): ParsedAuthorization {
  const raw = header(headers, 'authorization');
  if (raw === undefined || raw.trim() === '') return { kind: 'missing' };
  const match = AUTH_PATTERN.exec(raw.trim());
  if (match === null) {
    return {
      kind: 'malformed',
      message:
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
        "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256",
    };
  }
  const amzDate = header(headers, 'x-amz-date') ?? '';
  const date = AMZ_DATE_PATTERN.exec(amzDate);
  if (date === null) {
    return { kind: 'malformed', message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." };
  }
  const [, y, mo, d, h, mi, s] = date.map(Number);
  const signingDate = new Date(Date.UTC(y as number, (mo as number) - 1, d, h, mi, s));
  const [, accessKeyId, scopeDate, region, service, signedHeaders, signature] = match as unknown as string[];
  return {
    kind: 'signed',
    authorization: {
      accessKeyId: accessKeyId as string,
      scopeDate: scopeDate as string,
      region: region as string,
      service: service as string,
      signedHeaders: (signedHeaders as string).split(';'),
      signature: signature as string,
      amzDate,
      signingDate,
    },
  };
}

function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** AWS's complaint when the signature's time is off by more than 15 minutes from `now`, else undefined. */
export function signingTimeProblem(authorization: SigV4Authorization, now: number): string | undefined {
  const signedAt = authorization.signingDate.getTime();
  if (signedAt < now - SIGNING_TOLERANCE_MS) {
    return `Signature expired: ${authorization.amzDate} is now earlier than ${formatAmzDate(now - SIGNING_TOLERANCE_MS)} (${formatAmzDate(now)} - 15 min.)`;
  }
  if (signedAt > now + SIGNING_TOLERANCE_MS) {
    return `Signature not yet current: ${authorization.amzDate} is still later than ${formatAmzDate(now + SIGNING_TOLERANCE_MS)} (${formatAmzDate(now)} + 15 min.)`;
  }
  if (authorization.scopeDate !== authorization.amzDate.slice(0, 8)) {
    return `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${authorization.scopeDate}' != '${authorization.amzDate.slice(0, 8)}', from '${authorization.amzDate}'.`;
  }
  return undefined;
}

/** Headers every signature must cover: the host (else it could be replayed to any host) and the signing time. */
const REQUIRED_SIGNED_HEADERS = ['host', 'x-amz-date'];

/**
 * Recomputes the signature with the secret the server knows and compares it
 * with the one sent. The signature must cover `host` and `x-amz-date`, and the
 * body must hash to any x-amz-content-sha256 it claims (`UNSIGNED-PAYLOAD` is refused).
 */
export async function signatureMatches(
  request: SignedRequest,
  authorization: SigV4Authorization,
  secretAccessKey: string,
): Promise<boolean> {
  if (!REQUIRED_SIGNED_HEADERS.every((name) => authorization.signedHeaders.includes(name))) return false;
  const claimedHash = header(request.headers, 'x-amz-content-sha256');
  if (claimedHash !== undefined) {
    const actual = new Sha256();
    actual.update(request.body);
    if (Buffer.from(await actual.digest()).toString('hex') !== claimedHash) return false;
  }

  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const name of authorization.signedHeaders) {
    const value = header(request.headers, name);
    if (value === undefined) return false;
    headers[name] = value;
  }
  const url = requestUrl(request.url);
  if (url === undefined) return false;
  const query: QueryParameterBag = Object.create(null) as QueryParameterBag;
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? (values[0] as string) : values;
  }
  const sessionToken = authorization.signedHeaders.includes('x-amz-security-token')
    ? header(request.headers, 'x-amz-security-token')
    : undefined;
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: authorization.accessKeyId,
      secretAccessKey,
      ...(sessionToken === undefined ? {} : { sessionToken }),
    },
    region: authorization.region,
    service: authorization.service,
    sha256: Sha256,
    applyChecksum: false,
  });
  const toSign: HttpRequest = {
    method: request.method,
    protocol: 'http:',
    hostname: 'localhost',
    path: url.pathname,
    query,
    headers,
    body: request.body,
  };
  const signed = await signer.sign(toSign, {
    signingDate: authorization.signingDate,
    signingRegion: authorization.region,
    signingService: authorization.service,
    signableHeaders: new Set(authorization.signedHeaders),
  });
  const expected = parseAuthorization({ ...signed.headers, 'x-amz-date': authorization.amzDate });
  return (
    expected.kind === 'signed' &&
    expected.authorization.signature === authorization.signature &&
    expected.authorization.signedHeaders.join(';') === authorization.signedHeaders.join(';')
  );
}
