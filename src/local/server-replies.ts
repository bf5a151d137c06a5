import type { CognitoError } from './cognito-errors';
import type { StsResponse } from './sts-handler';

/** One HTTP answer of the pool, before the common headers are added. */
export interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly headers?: Record<string, string>;
  /** Counted in stats when the answer is an error. */
  readonly errorName?: string;
  readonly noCors?: boolean;
}

/** A Cognito error in awsJson1.1: `{ "__type", "message" }`, with `x-amzn-ErrorType` as Cognito sends it. */
export function cognitoReply(error: CognitoError): Reply {
  const body: Record<string, string> = { __type: error.name };
  if (error.message !== '') body.message = error.message;
  return {
    status: error.status,
    contentType: 'application/x-amz-json-1.1',
    body: JSON.stringify(body),
    headers: { 'x-amzn-ErrorType': `${error.name}:` },
    errorName: error.name,
  };
}

/** An STS answer in awsQuery: XML. */
export function stsReply(response: StsResponse): Reply {
  return {
    status: response.status,
    contentType: 'text/xml',
    body: response.xml,
    ...(response.errorCode === undefined ? {} : { errorName: response.errorCode }),
  };
}
