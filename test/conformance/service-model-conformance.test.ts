import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEVELOPER_CREDENTIALS } from '../../src/local/index';
import { AnswerChecker } from './answer-checker';
import { COGNITO_OPERATIONS, SIGNED_OPERATIONS, startConformancePool, type ConformancePool } from './conformance-pool';
import { inputCases } from './input-cases';
import { expectedFor, inputConstraints } from './input-oracle';
import { loadServiceModel } from './service-model';

// The local pool against Cognito Identity's and STS's published models (botocore's JSON, read
// from the installed package): every operation it serves, inputs generated from the model, every
// answer checked against the model. See docs/local.md, "Fidelity".

const cognitoModel = loadServiceModel('cognito-identity', '2014-06-30');
const stsModel = loadServiceModel('sts', '2011-06-15');
const cognito = new AnswerChecker(cognitoModel);
const sts = new AnswerChecker(stsModel);

let env: ConformancePool;
let cases = 0;
/** Input constraint id → how many cases broke it. */
const broken = new Map<string, number>();

beforeAll(async () => {
  env = await startConformancePool();
});
afterAll(async () => {
  await env.close();
});

/** Runs `jobs` a few at a time (the wire keeps four connections). */
async function inBatches<T>(items: readonly T[], job: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += 4) await Promise.all(items.slice(i, i + 4).map(job));
}

const deviationsOf = (checker: AnswerChecker, prefix: string): string[] =>
  checker.deviations.filter((deviation) => deviation.startsWith(`${prefix} `));

describe('the local pool answers as the published service models say', () => {
  for (const operation of COGNITO_OPERATIONS) {
    it(`${operation}: every generated input is answered as the Cognito Identity model says`, async () => {
      const seeds = env.seeds.get(operation)!;
      const generated = inputCases(cognitoModel, operation, seeds);
      await inBatches(generated, async (input) => {
        const expected = expectedFor(cognitoModel, operation, input.body);
        if (expected.kind === 'validation') for (const id of expected.broken) broken.set(id, (broken.get(id) ?? 0) + 1);
        const keys = SIGNED_OPERATIONS.has(operation) ? LOCAL_DEVELOPER_CREDENTIALS : undefined;
        cognito.json(operation, input.label, await env.wire.cognito(operation, input.body, keys), expected);
      });
      cases += generated.length;
      expect(deviationsOf(cognito, operation)).toEqual([]);
    });
  }

  it('bodies that are not a JSON object are SerializationExceptions; unsigned developer calls get a common auth error', async () => {
    const before = cognito.deviations.length;
    const raw = ['{"IdentityPoolId": ', '[1]', '"text"', '5'];
    for (const operation of COGNITO_OPERATIONS) {
      for (const body of raw) {
        const keys = SIGNED_OPERATIONS.has(operation) ? LOCAL_DEVELOPER_CREDENTIALS : undefined;
        cognito.json(operation, `raw ${body}`, await env.wire.cognito(operation, body, keys), { kind: 'serialization' });
        cases += 1;
      }
    }
    for (const operation of SIGNED_OPERATIONS) {
      const reply = await env.wire.cognito(operation, env.seeds.get('GetOpenIdTokenForDeveloperIdentity')!.base);
      cognito.json(operation, 'unsigned', reply, { kind: 'valid' });
      expect(JSON.parse(reply.body)).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
      const wrongKey = await env.wire.cognito(operation, env.seeds.get('GetOpenIdTokenForDeveloperIdentity')!.base, {
        accessKeyId: 'AKIAWRONGWRONGWRONG0',
        secretAccessKey: LOCAL_DEVELOPER_CREDENTIALS.secretAccessKey,
      });
      cognito.json(operation, 'unknown key', wrongKey, { kind: 'valid' });
      cases += 2;
    }
    const unknown = await env.wire.cognito('DeleteIdentityPool', { IdentityPoolId: env.pool.identityPoolId });
    expect([unknown.status, JSON.parse(unknown.body).__type]).toEqual([400, 'UnknownOperationException']);
    cases += 1;
    expect(cognito.deviations.slice(before)).toEqual([]);
  });

  it('STS GetCallerIdentity: signed, unsigned, forged and stale requests are answered as the STS model says', async () => {
    const form = 'Action=GetCallerIdentity&Version=2011-06-15';
    const { issued } = env;
    const requests: [string, Promise<Awaited<ReturnType<typeof env.wire.sts>>>][] = [
      ['signed', env.wire.sts(form, issued)],
      ['unsigned', env.wire.sts(form)],
      ['unknown key', env.wire.sts(form, { ...issued, accessKeyId: 'ASIAUNKNOWNUNKNOWN00' })],
      ['wrong secret', env.wire.sts(form, { ...issued, secretAccessKey: `${issued.secretAccessKey}x` })],
      ['wrong session token', env.wire.sts(form, { ...issued, sessionToken: 'forged' })],
      ['signed an hour ago', env.wire.sts(form, issued, new Date(Date.now() - 3_600_000))],
      ['another action', env.wire.sts('Action=AssumeRole&Version=2011-06-15', issued)],
    ];
    for (const [label, reply] of requests) sts.query('GetCallerIdentity', label, await reply);
    cases += requests.length;
    expect(sts.deviations).toEqual([]);
    // Beyond the model: AWS's UserId for an assumed role is `<role id>:<session name>`, the name the Arn ends with.
    const signed = await env.wire.sts(form, issued);
    const userId = /<UserId>([^<]*)<\/UserId>/.exec(signed.body)?.[1];
    const arn = /<Arn>([^<]*)<\/Arn>/.exec(signed.body)?.[1];
    expect(userId).toMatch(/^AROA[A-Z0-9]{17}:CognitoIdentityCredentials$/);
    expect(userId?.split(':')[1]).toBe(arn?.split('/').at(-1));
    cases += 1;
  });

  it('exercises every constraint of the models and reports the count', async ({ annotate }) => {
    const inputs = COGNITO_OPERATIONS.flatMap((operation) => inputConstraints(cognitoModel, operation).map((constraint) => constraint.id));
    const stsInputs = inputConstraints(stsModel, 'GetCallerIdentity').map((constraint) => constraint.id);
    const outputs = [
      ...COGNITO_OPERATIONS.flatMap((operation) => cognito.outputConstraints(operation).map((id) => ({ id, checker: cognito }))),
      ...sts.outputConstraints('GetCallerIdentity').map((id) => ({ id, checker: sts })),
    ];
    // Every input constraint some generated case broke (so the pool was seen enforcing it), every
    // output constraint some answer was checked against; `required` on an output is checked only when modeled.
    const notBroken = [...inputs, ...stsInputs].filter((id) => !id.endsWith('.required') && (broken.get(id) ?? 0) === 0);
    const requiredNotBroken = inputs.filter((id) => id.endsWith('.required') && (broken.get(id) ?? 0) === 0);
    const notExercised = outputs.filter(({ id, checker }) => !checker.exercised.has(id)).map(({ id }) => id);
    expect({ notBroken, requiredNotBroken, notExercised }).toEqual({ notBroken: [], requiredNotBroken: [], notExercised: [] });
    const constraints = inputs.length + stsInputs.length + outputs.length;
    const deviations = cognito.deviations.length + sts.deviations.length;
    // A test annotation, not console output: the reporter shows it with the test's result.
    await annotate(`conformance: ${constraints} constraints, ${cases} cases, ${deviations} deviations`);
    expect(deviations).toBe(0);
  });
});
