import { CognitoError, serializationError } from './cognito-errors';

/** Logins as received: a Map, so a key such as `__proto__` is an entry like any other. */
export type Logins = ReadonlyMap<string, string>;

export interface GetIdInput {
  readonly IdentityPoolId: string;
  readonly AccountId?: string;
  readonly Logins?: Logins;
}

export interface GetCredentialsForIdentityInput {
  readonly IdentityId: string;
  readonly Logins?: Logins;
  readonly CustomRoleArn?: string;
}

export interface GetOpenIdTokenInput {
  readonly IdentityId: string;
  readonly Logins?: Logins;
}

export interface GetOpenIdTokenForDeveloperIdentityInput {
  readonly IdentityPoolId: string;
  readonly IdentityId?: string;
  readonly Logins: Logins;
  readonly TokenDuration?: number;
  readonly PrincipalTags?: ReadonlyMap<string, string>;
}

const ID_PATTERN = /^[\w-]+:[0-9a-f-]+$/;
const ID_PATTERN_TEXT = '[\\w-]+:[0-9a-f-]+';
const ACCOUNT_PATTERN = /^\d+$/;
const MAX_LOGINS = 10;

/** Reads a JSON request body as Cognito's front end does: wrong JSON or types → SerializationException. */
export function parseJsonBody(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw serializationError('Unable to parse the request body as JSON.');
  }
  if (value === null) return {};
  if (typeof value !== 'object') throw serializationError(`${kindOf(value)} found where a structure was expected.`);
  if (Array.isArray(value)) throw serializationError('Start of list found where not expected');
  return value as Record<string, unknown>;
}

function kindOf(value: unknown): string {
  if (typeof value === 'string') return 'VALUE_STRING';
  if (typeof value === 'number') return 'VALUE_NUMBER';
  if (typeof value === 'boolean') return 'VALUE_BOOLEAN';
  if (Array.isArray(value)) return 'START_ARRAY';
  return 'START_OBJECT';
}

/** Collects constraint violations and throws them as one ValidationException, the way Cognito words them. */
class Violations {
  private readonly items: string[] = [];

  add(value: string, member: string, constraint: string): void {
    this.items.push(`Value ${value} at '${member}' failed to satisfy constraint: ${constraint}`);
  }

  throwIfAny(): void {
    const n = this.items.length;
    if (n === 0) return;
    const head = n === 1 ? '1 validation error detected' : `${n} validation errors detected`;
    throw new CognitoError('ValidationException', `${head}: ${this.items.join('; ')}`);
  }
}

// Only the body's own members count: a missing member must not be read from Object.prototype.
const member = (input: Record<string, unknown>, field: string): unknown => (Object.hasOwn(input, field) ? input[field] : undefined);

function readString(input: Record<string, unknown>, field: string): string | undefined {
  const value = member(input, field);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw serializationError(`${kindOf(value)} can not be converted to a String (field '${field}')`);
  }
  return value;
}

function readNumber(input: Record<string, unknown>, field: string): number | undefined {
  const value = member(input, field);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw serializationError(`${kindOf(value)} can not be converted to a Long (field '${field}')`);
  }
  return value;
}

function readStringMap(input: Record<string, unknown>, field: string): Map<string, string> | undefined {
  const value = member(input, field);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw serializationError(`${kindOf(value)} can not be converted to a Map (field '${field}')`);
  }
  // A Map keeps every key JSON.parse made an own property, `__proto__` and `constructor` included.
  const map = new Map<string, string>();
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') {
      throw serializationError(`${kindOf(entry)} can not be converted to a String (field '${field}')`);
    }
    map.set(key, entry);
  }
  return map;
}

function checkId(v: Violations, value: string | undefined, member: string, required: boolean): void {
  if (value === undefined) {
    if (required) v.add('null', member, 'Member must not be null');
    return;
  }
  const shown = `'${value.length > 64 ? `${value.slice(0, 64)}...` : value}'`;
  if (value.length > 55) v.add(shown, member, 'Member must have length less than or equal to 55');
  if (value.length < 1) v.add(shown, member, 'Member must have length greater than or equal to 1');
  if (!ID_PATTERN.test(value)) v.add(shown, member, `Member must satisfy regular expression pattern: ${ID_PATTERN_TEXT}`);
}

// Login values are tokens: the message names the member, never the value.
function checkLogins(v: Violations, logins: Logins | undefined, member: string, required: boolean): void {
  if (logins === undefined) {
    if (required) v.add('null', member, 'Member must not be null');
    return;
  }
  const entries = [...logins];
  if (entries.length > MAX_LOGINS) {
    v.add('(redacted)', member, `Member must have length less than or equal to ${MAX_LOGINS}`);
  }
  if (entries.some(([key]) => key.length < 1 || key.length > 128)) {
    v.add('(redacted)', member, 'Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]');
  }
  if (entries.some(([, token]) => token.length < 1 || token.length > 50000)) {
    v.add('(redacted)', member, 'Map value must satisfy constraint: [Member must have length less than or equal to 50000, Member must have length greater than or equal to 1]');
  }
}

export function parseGetIdInput(input: Record<string, unknown>): GetIdInput {
  const identityPoolId = readString(input, 'IdentityPoolId');
  const accountId = readString(input, 'AccountId');
  const logins = readStringMap(input, 'Logins');
  const v = new Violations();
  checkId(v, identityPoolId, 'identityPoolId', true);
  if (accountId !== undefined) {
    if (accountId.length < 1 || accountId.length > 15) v.add(`'${accountId}'`, 'accountId', 'Member must have length between 1 and 15');
    if (!ACCOUNT_PATTERN.test(accountId)) v.add(`'${accountId}'`, 'accountId', 'Member must satisfy regular expression pattern: \\d+');
  }
  checkLogins(v, logins, 'logins', false);
  v.throwIfAny();
  return {
    IdentityPoolId: identityPoolId as string,
    ...(accountId === undefined ? {} : { AccountId: accountId }),
    ...(logins === undefined ? {} : { Logins: logins }),
  };
}

export function parseGetCredentialsForIdentityInput(input: Record<string, unknown>): GetCredentialsForIdentityInput {
  const identityId = readString(input, 'IdentityId');
  const logins = readStringMap(input, 'Logins');
  const customRoleArn = readString(input, 'CustomRoleArn');
  const v = new Violations();
  checkId(v, identityId, 'identityId', true);
  checkLogins(v, logins, 'logins', false);
  // Cognito's model (ARNString) bounds the length only; which roles may be asked for is the operation's call.
  if (customRoleArn !== undefined) {
    const shown = `'${customRoleArn.length > 64 ? `${customRoleArn.slice(0, 64)}...` : customRoleArn}'`;
    if (customRoleArn.length > 2048) v.add(shown, 'customRoleArn', 'Member must have length less than or equal to 2048');
    if (customRoleArn.length < 20) v.add(shown, 'customRoleArn', 'Member must have length greater than or equal to 20');
  }
  v.throwIfAny();
  return {
    IdentityId: identityId as string,
    ...(logins === undefined ? {} : { Logins: logins }),
    ...(customRoleArn === undefined ? {} : { CustomRoleArn: customRoleArn }),
  };
}

export function parseGetOpenIdTokenInput(input: Record<string, unknown>): GetOpenIdTokenInput {
  const identityId = readString(input, 'IdentityId');
  const logins = readStringMap(input, 'Logins');
  const v = new Violations();
  checkId(v, identityId, 'identityId', true);
  checkLogins(v, logins, 'logins', false);
  v.throwIfAny();
  return { IdentityId: identityId as string, ...(logins === undefined ? {} : { Logins: logins }) };
}

export function parseGetOpenIdTokenForDeveloperIdentityInput(
  input: Record<string, unknown>,
): GetOpenIdTokenForDeveloperIdentityInput {
  const identityPoolId = readString(input, 'IdentityPoolId');
  const identityId = readString(input, 'IdentityId');
  const logins = readStringMap(input, 'Logins');
  const principalTags = readStringMap(input, 'PrincipalTags');
  const tokenDuration = readNumber(input, 'TokenDuration');
  const v = new Violations();
  checkId(v, identityPoolId, 'identityPoolId', true);
  checkId(v, identityId, 'identityId', false);
  checkLogins(v, logins, 'logins', true);
  if (tokenDuration !== undefined && (tokenDuration < 1 || tokenDuration > 86400)) {
    v.add(`'${tokenDuration}'`, 'tokenDuration', 'Member must have value between 1 and 86400');
  }
  if (principalTags !== undefined && principalTags.size > 50) {
    v.add('(map)', 'principalTags', 'Member must have length less than or equal to 50');
  }
  v.throwIfAny();
  return {
    IdentityPoolId: identityPoolId as string,
    Logins: logins as Logins,
    ...(identityId === undefined ? {} : { IdentityId: identityId }),
    ...(tokenDuration === undefined ? {} : { TokenDuration: tokenDuration }),
    ...(principalTags === undefined ? {} : { PrincipalTags: principalTags }),
  };
}
