/**
 * The input constraints Cognito Identity's published service model (2014-06-30) states for the
 * operations the pool serves, written as data. The pool cannot read the model at run time (it is
 * not shipped), so this table is the pool's copy; test/conformance/ generates its cases from the
 * model itself and fails when an entry here is missing, looser or stricter than the model.
 */

export interface StringRule {
  readonly kind: 'string';
  readonly min?: number;
  readonly max?: number;
  /** The model's pattern text, quoted as is in messages; it must match the whole value. */
  readonly pattern?: string;
}

export interface LongRule {
  readonly kind: 'long';
  readonly min?: number;
  readonly max?: number;
}

export interface MapRule {
  readonly kind: 'map';
  readonly max?: number;
  readonly key: StringRule;
  readonly value: StringRule;
  /** Map values are secrets (provider tokens): messages never show them. */
  readonly redacted?: boolean;
}

export type MemberRule = StringRule | LongRule | MapRule;

export interface MemberConstraint {
  readonly rule: MemberRule;
  readonly required?: boolean;
}

/** Members of one operation's input, in the model's order. */
export type InputConstraints = ReadonlyMap<string, MemberConstraint>;

// Shapes of the model, named as there.
const IDENTITY_ID: StringRule = { kind: 'string', min: 1, max: 55, pattern: '[\\w-]+:[0-9a-f-]+' };
const IDENTITY_POOL_ID: StringRule = { kind: 'string', min: 1, max: 55, pattern: '[\\w-]+:[0-9a-f-]+' };
const ACCOUNT_ID: StringRule = { kind: 'string', min: 1, max: 15, pattern: '\\d+' };
const ARN_STRING: StringRule = { kind: 'string', min: 20, max: 2048 };
const LOGINS_MAP: MapRule = {
  kind: 'map',
  max: 10,
  key: { kind: 'string', min: 1, max: 128 },
  value: { kind: 'string', min: 1, max: 50000 },
  redacted: true,
};
const PRINCIPAL_TAGS: MapRule = {
  kind: 'map',
  max: 50,
  key: { kind: 'string', min: 1, max: 128 },
  value: { kind: 'string', min: 1, max: 256 },
};
const TOKEN_DURATION: LongRule = { kind: 'long', min: 1, max: 86400 };

/** Operation name → its input members. A Map: the name comes from the request. */
export const INPUT_CONSTRAINTS: ReadonlyMap<string, InputConstraints> = new Map<string, InputConstraints>([
  [
    'GetId',
    new Map<string, MemberConstraint>([
      ['AccountId', { rule: ACCOUNT_ID }],
      ['IdentityPoolId', { rule: IDENTITY_POOL_ID, required: true }],
      ['Logins', { rule: LOGINS_MAP }],
    ]),
  ],
  [
    'GetCredentialsForIdentity',
    new Map<string, MemberConstraint>([
      ['IdentityId', { rule: IDENTITY_ID, required: true }],
      ['Logins', { rule: LOGINS_MAP }],
      ['CustomRoleArn', { rule: ARN_STRING }],
    ]),
  ],
  [
    'GetOpenIdToken',
    new Map<string, MemberConstraint>([
      ['IdentityId', { rule: IDENTITY_ID, required: true }],
      ['Logins', { rule: LOGINS_MAP }],
    ]),
  ],
  [
    'GetOpenIdTokenForDeveloperIdentity',
    new Map<string, MemberConstraint>([
      ['IdentityPoolId', { rule: IDENTITY_POOL_ID, required: true }],
      ['IdentityId', { rule: IDENTITY_ID }],
      ['Logins', { rule: LOGINS_MAP, required: true }],
      ['PrincipalTags', { rule: PRINCIPAL_TAGS }],
      ['TokenDuration', { rule: TOKEN_DURATION }],
    ]),
  ],
]);
