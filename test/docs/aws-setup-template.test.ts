// infra/identity-pool.yaml: it parses as CloudFormation (short-form intrinsics included), every
// reference resolves, it creates exactly the resources docs/aws-setup.md lists, and its roles grant
// what the guide's CLI path grants, statement for statement.
import { parseDocument, type CollectionTag, type ScalarTag } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { fencedBlocks, GUIDE, readRepoFile, readShellBlock, resourceTable, TEMPLATE } from './aws-setup-guide';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Resource {
  Type: string;
  Properties?: Record<string, Json>;
}
interface Template {
  Parameters: Record<string, { Type: string; Default?: string }>;
  Resources: Record<string, Resource>;
  Outputs: Record<string, { Value: Json }>;
}

// The short forms the template uses, as their long forms; any other `!Tag` fails the parse.
const scalar = (tag: string, fn: (value: string) => Json): ScalarTag => ({ tag, resolve: (value: string) => fn(value) });
const sequence = (tag: string, name: string): CollectionTag => ({
  tag,
  collection: 'seq',
  resolve: (value) => ({ [name]: value.toJSON() as Json }),
});
const cloudFormationTags = [
  scalar('!Ref', (value) => ({ Ref: value })),
  scalar('!GetAtt', (value) => ({ 'Fn::GetAtt': value.split('.') })),
  scalar('!Sub', (value) => ({ 'Fn::Sub': value })),
  sequence('!Equals', 'Fn::Equals'),
];

const PSEUDO_PARAMETERS = new Set(['AWS::AccountId', 'AWS::Partition', 'AWS::Region', 'AWS::StackName', 'AWS::URLSuffix']);

let template: Template;
let guide: string;

beforeAll(async () => {
  guide = await readRepoFile(GUIDE);
  const document = parseDocument(await readRepoFile(TEMPLATE), { customTags: cloudFormationTags, strict: true, uniqueKeys: true });
  // An unknown tag is only a warning to the parser; here it fails, as it would in CloudFormation.
  expect([...document.errors, ...document.warnings].map((problem) => problem.message)).toEqual([]);
  template = document.toJS() as Template;
});

/** Every intrinsic function call in a value, with the path to it. */
function intrinsics(value: Json, path = ''): Array<{ path: string; name: string; argument: Json }> {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item, index) => intrinsics(item, `${path}[${index}]`));
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'))) {
    return [{ path, name: keys[0]!, argument: value[keys[0]!] as Json }, ...intrinsics(value[keys[0]!] as Json, path)];
  }
  return keys.flatMap((key) => intrinsics(value[key] as Json, `${path}.${key}`));
}

describe(TEMPLATE, () => {
  it('parses with no unknown tag, and is a CloudFormation template', async () => {
    const source = await readRepoFile(TEMPLATE);
    const tags = new Set([...source.matchAll(/(?:^|[\s[])(!\w+)/gm)].map((match) => match[1]));
    expect([...tags].sort()).toEqual(cloudFormationTags.map((tag) => tag.tag).sort());
    expect(template).toMatchObject({ AWSTemplateFormatVersion: '2010-09-09' });
    for (const [id, resource] of Object.entries(template.Resources)) {
      expect(resource.Type, id).toMatch(/^AWS::\w+::\w+$/);
    }
  });

  it('resolves every !Ref, !GetAtt and ${name} in !Sub to a parameter, resource or pseudo parameter', () => {
    const names = new Set([...Object.keys(template.Parameters), ...Object.keys(template.Resources), ...PSEUDO_PARAMETERS]);
    const calls = intrinsics(template as unknown as Json);
    expect(calls.length).toBeGreaterThan(10);
    for (const { path, name, argument } of calls) {
      if (name === 'Ref') expect(names, `${path}: !Ref ${String(argument)}`).toContain(argument);
      if (name === 'Fn::GetAtt') expect(Object.keys(template.Resources), `${path}: !GetAtt`).toContain((argument as string[])[0]);
      if (name === 'Fn::Sub') {
        // `${!Literal}` is a literal `${Literal}` (an IAM policy variable); `${Name}` must resolve.
        for (const [, variable] of (argument as string).matchAll(/\$\{(?!!)([^}]+)\}/g)) {
          expect(names, `${path}: \${${variable}}`).toContain(variable!.replace(/\.\w+$/, ''));
        }
      }
    }
  });

  it('creates exactly the resources the guide lists, of the types it names', () => {
    const rows = resourceTable(guide);
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.fromEntries(rows.map((row) => [row.logicalId, row.type]))).toEqual(
      Object.fromEntries(Object.entries(template.Resources).map(([id, resource]) => [id, resource.Type])),
    );
  });

  it('the guide runs each CLI command its table names', () => {
    const scripts = fencedBlocks(guide, 'sh').map((block) => readShellBlock(block).commands).join('\n');
    for (const row of resourceTable(guide)) {
      for (const command of row.cli) expect(scripts, `${row.logicalId}: ${command}`).toContain(command);
    }
  });

  it('gives idpool what it needs as outputs: the pool id and the Logins key', () => {
    expect(template.Outputs.IdentityPoolId?.Value).toEqual({ Ref: 'IdentityPool' });
    expect(template.Outputs.LoginsKey?.Value).toEqual({ Ref: 'OidcIssuerDomain' });
    expect(template.Resources.IdentityPool?.Properties).toMatchObject({
      AllowClassicFlow: false,
      OpenIdConnectProviderARNs: [{ Ref: 'OidcProvider' }],
    });
    expect(template.Resources.RoleAttachment?.Properties).toEqual({
      IdentityPoolId: { Ref: 'IdentityPool' },
      Roles: { authenticated: { 'Fn::GetAtt': ['AuthenticatedRole', 'Arn'] }, unauthenticated: { 'Fn::GetAtt': ['UnauthenticatedRole', 'Arn'] } },
    });
  });
});

/**
 * A template value as the CLI path spells it: `!Ref IdentityPool` is `$POOL_ID`, the bucket is
 * `$BUCKET`, the partition `aws`, `${!x}` the IAM policy variable `${x}`.
 */
function asCliText(value: Json): Json {
  const shell: Record<string, string> = { IdentityPool: '$POOL_ID', DataBucket: '$BUCKET', 'AWS::Partition': 'aws' };
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(asCliText);
  if ('Ref' in value) return shell[value.Ref as string] ?? `<unmapped Ref ${String(value.Ref)}>`;
  if ('Fn::GetAtt' in value) {
    const [id, attribute] = value['Fn::GetAtt'] as string[];
    return id === 'DataBucket' && attribute === 'Arn' ? 'arn:aws:s3:::$BUCKET' : `<unmapped GetAtt ${id}.${attribute}>`;
  }
  if ('Fn::Sub' in value) {
    return (value['Fn::Sub'] as string).replace(/\$\{(!?)([^}]+)\}/g, (_, literal: string, name: string) =>
      literal === '!' ? `\${${name}}` : shell[name] ?? `<unmapped ${name}>`,
    );
  }
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, asCliText(child)]));
}

/** A policy with every single action or resource as a one-item list, so either spelling compares equal. */
function normalised(policy: Json): Json {
  if (policy === null || typeof policy !== 'object') return policy;
  if (Array.isArray(policy)) return policy.map(normalised);
  return Object.fromEntries(
    Object.entries(policy).map(([key, value]) => [key, (key === 'Action' || key === 'Resource') && typeof value === 'string' ? [value] : normalised(value)]),
  );
}

describe('the CLI path and the template grant the same', () => {
  const roles = [
    { id: 'AuthenticatedRole', trust: 'authenticated-trust.json', policy: 'authenticated-policy.json' },
    { id: 'UnauthenticatedRole', trust: 'unauthenticated-trust.json', policy: 'unauthenticated-policy.json' },
  ];

  it.each(roles)('$id: trust policy and permissions', ({ id, trust, policy }) => {
    const files = new Map(fencedBlocks(guide, 'sh').flatMap((block) => [...readShellBlock(block).files]));
    const properties = template.Resources[id]?.Properties as Record<string, Json>;
    const cliTrust = JSON.parse(files.get(trust) ?? 'null') as Json;
    const cliPolicy = JSON.parse(files.get(policy) ?? 'null') as Json;
    expect(normalised(cliTrust)).toEqual(normalised(asCliText(properties.AssumeRolePolicyDocument as Json)));
    const [inline] = properties.Policies as Array<{ PolicyDocument: Json }>;
    expect(normalised(cliPolicy)).toEqual(normalised(asCliText(inline!.PolicyDocument)));
  });

  it('each role trusts only Cognito, only for this pool, only for its kind of identity', () => {
    for (const [id, amr] of [['AuthenticatedRole', 'authenticated'], ['UnauthenticatedRole', 'unauthenticated']] as const) {
      const document = template.Resources[id]?.Properties?.AssumeRolePolicyDocument;
      expect(document, id).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: 'cognito-identity.amazonaws.com' },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: { 'cognito-identity.amazonaws.com:aud': { Ref: 'IdentityPool' } },
              'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': amr },
            },
          },
        ],
      });
    }
  });

  it('no permission reaches beyond the bucket, and no action is a wildcard', () => {
    for (const id of ['AuthenticatedRole', 'UnauthenticatedRole']) {
      const policies = template.Resources[id]?.Properties?.Policies as Array<{ PolicyDocument: { Statement: Array<{ Action: Json; Resource: Json }> } }>;
      for (const statement of policies.flatMap((policy) => policy.PolicyDocument.Statement)) {
        const actions = ([] as Json[]).concat(statement.Action) as string[];
        for (const action of actions) expect(action, id).toMatch(/^s3:(GetObject|PutObject|DeleteObject|ListBucket)$/);
        const resource = JSON.stringify(asCliText(statement.Resource));
        expect(resource, id).toMatch(/^"arn:aws:s3:::\$BUCKET(\/(private\/\$\{cognito-identity\.amazonaws\.com:sub\}|public)\/\*)?"$/);
      }
    }
  });
});
