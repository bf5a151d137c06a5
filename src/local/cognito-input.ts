import { INPUT_CONSTRAINTS, type InputConstraints } from './input-constraints';
import { validateInput, type MemberValue } from './input-validation';

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

function constraintsOf(operation: string): InputConstraints {
  const constraints = INPUT_CONSTRAINTS.get(operation);
  if (constraints === undefined) throw new TypeError(`no input constraints for ${operation}`);
  return constraints;
}

/** The validated members of one input, read by the type validation gave them. */
class Members {
  constructor(private readonly values: ReadonlyMap<string, MemberValue>) {}

  text(field: string): string | undefined {
    const value = this.values.get(field);
    return typeof value === 'string' ? value : undefined;
  }

  whole(field: string): number | undefined {
    const value = this.values.get(field);
    return typeof value === 'number' ? value : undefined;
  }

  map(field: string): ReadonlyMap<string, string> | undefined {
    const value = this.values.get(field);
    return typeof value === 'object' ? value : undefined;
  }

  /** A member validation proved present (required by the model). */
  requiredText(field: string): string {
    return this.text(field) as string;
  }
}

const read = (operation: string, input: Record<string, unknown>): Members =>
  new Members(validateInput(input, constraintsOf(operation)));

// Spread helpers: optional members stay absent rather than `undefined`.
const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

export function parseGetIdInput(input: Record<string, unknown>): GetIdInput {
  const m = read('GetId', input);
  return {
    IdentityPoolId: m.requiredText('IdentityPoolId'),
    ...optional('AccountId', m.text('AccountId')),
    ...optional('Logins', m.map('Logins')),
  };
}

export function parseGetCredentialsForIdentityInput(input: Record<string, unknown>): GetCredentialsForIdentityInput {
  // CustomRoleArn: the model bounds its length only; which roles may be asked for is the operation's call.
  const m = read('GetCredentialsForIdentity', input);
  return {
    IdentityId: m.requiredText('IdentityId'),
    ...optional('Logins', m.map('Logins')),
    ...optional('CustomRoleArn', m.text('CustomRoleArn')),
  };
}

export function parseGetOpenIdTokenInput(input: Record<string, unknown>): GetOpenIdTokenInput {
  const m = read('GetOpenIdToken', input);
  return { IdentityId: m.requiredText('IdentityId'), ...optional('Logins', m.map('Logins')) };
}

export function parseGetOpenIdTokenForDeveloperIdentityInput(
  input: Record<string, unknown>,
): GetOpenIdTokenForDeveloperIdentityInput {
  const m = read('GetOpenIdTokenForDeveloperIdentity', input);
  return {
    IdentityPoolId: m.requiredText('IdentityPoolId'),
    Logins: m.map('Logins') as Logins,
    ...optional('IdentityId', m.text('IdentityId')),
    ...optional('TokenDuration', m.whole('TokenDuration')),
    ...optional('PrincipalTags', m.map('PrincipalTags')),
  };
}
