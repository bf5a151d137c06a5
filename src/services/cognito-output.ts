import type { CognitoCredentials, CognitoOperation, OutputOf } from './cognito-transport';

/**
 * An own data property of an object, never an inherited one and never a getter's result: the
 * answer is request text from a server (`__proto__` or `constructor` must find nothing).
 */
function own(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return Object.getOwnPropertyDescriptor(value, key)?.value;
}

function text(value: unknown, key: string): string | undefined {
  const field = own(value, key);
  return typeof field === 'string' ? field : undefined;
}

/** Epoch seconds (Cognito's wire form, rounded to the millisecond as the SDK does) or a `Date` (the SDK's output). */
function timestamp(value: unknown, key: string): Date | undefined {
  const field = own(value, key);
  const ms = typeof field === 'number' ? Math.round(field * 1000) : field instanceof Date ? field.getTime() : Number.NaN;
  const date = new Date(ms);
  return Number.isFinite(date.getTime()) ? date : undefined;
}

function credentials(value: unknown): CognitoCredentials | undefined {
  const issued = own(value, 'Credentials');
  if (typeof issued !== 'object' || issued === null || Array.isArray(issued)) return undefined;
  const accessKeyId = text(issued, 'AccessKeyId');
  const secretKey = text(issued, 'SecretKey');
  const sessionToken = text(issued, 'SessionToken');
  const expiration = timestamp(issued, 'Expiration');
  return {
    ...(accessKeyId !== undefined ? { AccessKeyId: accessKeyId } : {}),
    ...(secretKey !== undefined ? { SecretKey: secretKey } : {}),
    ...(sessionToken !== undefined ? { SessionToken: sessionToken } : {}),
    ...(expiration !== undefined ? { Expiration: expiration } : {}),
  };
}

/**
 * The fields idpool uses of an operation's answer (a parsed JSON body, or the AWS SDK's output),
 * each kept only when it has its type: a field of the wrong type is absent, and the caller's
 * own check ("answered without an IdentityId") reports it. Everything else is dropped.
 */
export function readCognitoOutput<O extends CognitoOperation>(operation: O, answer: unknown): OutputOf<O> {
  const identityId = text(answer, 'IdentityId');
  const base = identityId !== undefined ? { IdentityId: identityId } : {};
  switch (operation) {
    case 'GetCredentialsForIdentity': {
      const issued = credentials(answer);
      return { ...base, ...(issued !== undefined ? { Credentials: issued } : {}) } as OutputOf<O>;
    }
    case 'GetOpenIdToken': {
      const token = text(answer, 'Token');
      return { ...base, ...(token !== undefined ? { Token: token } : {}) } as OutputOf<O>;
    }
    default:
      return base as OutputOf<O>;
  }
}
