import type { RawReply } from '../local/raw-request';
import { validationHead, type Expected } from './input-oracle';
import { errorAnswer, membersOf, operationOf, patternRegExp, shapeOf, type ServiceModel, type Shape } from './service-model';

/**
 * Checks one answer against the service model: a success body has only the output's members, each
 * of its shape's type, length and pattern (timestamps as epoch seconds in awsJson); an error has a
 * code the operation models or one every AWS service may answer, with that code's HTTP status.
 * Every check made is recorded by id, so the suite can count the output constraints it exercised.
 */

/** Errors every awsJson service may answer (AWS's common errors), with their status. */
export const JSON_COMMON_ERRORS: ReadonlyMap<string, number> = new Map([
  ['ValidationException', 400],
  ['SerializationException', 400],
  ['UnknownOperationException', 400],
  ['MissingAuthenticationTokenException', 400],
  ['IncompleteSignatureException', 400],
  ['InvalidSignatureException', 400],
  ['UnrecognizedClientException', 400],
  ['AccessDeniedException', 400],
  ['ThrottlingException', 400],
  ['InternalFailure', 500],
  ['ServiceUnavailable', 503],
]);

/** Errors every awsQuery service may answer (STS's common errors), with their status. */
export const QUERY_COMMON_ERRORS: ReadonlyMap<string, number> = new Map([
  ['MissingAuthenticationToken', 403],
  ['InvalidClientTokenId', 403],
  ['ExpiredToken', 403],
  ['SignatureDoesNotMatch', 403],
  ['IncompleteSignature', 400],
  ['AccessDenied', 403],
  ['InvalidAction', 400],
  ['Throttling', 400],
  ['InternalFailure', 500],
]);

export class AnswerChecker {
  /** Output constraint ids that at least one answer was checked against. */
  readonly exercised = new Set<string>();
  readonly deviations: string[] = [];

  constructor(private readonly model: ServiceModel) {}

  /** Every constraint the model states on an operation's output (ids as `exercised` records them). */
  outputConstraints(operation: string): string[] {
    const ids: string[] = [];
    const op = operationOf(this.model, operation);
    if (op.output !== undefined) this.walk(shapeOf(this.model, op.output), `${operation}>`, (id) => ids.push(id));
    return ids;
  }

  /** An awsJson answer; `expected` is what the input oracle said of the request. */
  json(operation: string, label: string, reply: RawReply, expected: Expected): void {
    const fail = (detail: string): void => {
      this.deviations.push(`${operation} ${label}: ${detail} (HTTP ${reply.status} ${reply.body.slice(0, 300)})`);
    };
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(reply.body) as Record<string, unknown>;
    } catch {
      return fail('the body is not JSON');
    }
    const type = typeof body.__type === 'string' ? body.__type.slice(body.__type.indexOf('#') + 1) : undefined;
    if (expected.kind === 'serialization' && type !== 'SerializationException') return fail('expected SerializationException');
    if (expected.kind === 'validation') {
      if (type !== 'ValidationException') return fail('expected ValidationException');
      const head = validationHead(expected.items.length);
      const message = typeof body.message === 'string' ? body.message : '';
      const items = message.startsWith(head) ? message.slice(head.length).split('; ') : [];
      if ([...items].sort().join('\n') !== [...expected.items].sort().join('\n')) {
        return fail(`expected message ${head}${expected.items.join('; ')}`);
      }
    }
    if (expected.kind === 'valid' && (type === 'ValidationException' || type === 'SerializationException')) {
      return fail('the model accepts this input');
    }
    if (reply.status === 200) {
      if (reply.headers['content-type'] !== 'application/x-amz-json-1.1') fail('content-type is not application/x-amz-json-1.1');
      const op = operationOf(this.model, operation);
      if (op.output === undefined) return;
      this.value(shapeOf(this.model, op.output), body, `${operation}>`, fail);
      return;
    }
    if (type === undefined) return fail('an error without __type');
    const status = this.errorStatus(operation, type) ?? JSON_COMMON_ERRORS.get(type);
    if (status === undefined) return fail(`${type} is neither modeled for ${operation} nor a common error`);
    if (reply.status !== status) fail(`${type} answered with HTTP ${reply.status}, not ${status}`);
    if (!String(reply.headers['x-amzn-errortype'] ?? '').startsWith(`${type}:`)) fail('x-amzn-ErrorType does not name the error');
    for (const key of Object.keys(body)) if (key !== '__type' && key !== 'message') fail(`unmodeled error member ${key}`);
    if (body.message !== undefined && typeof body.message !== 'string') fail('message is not a string');
  }

  /** An STS (awsQuery) answer: XML result members or an ErrorResponse. */
  query(operation: string, label: string, reply: RawReply): void {
    const fail = (detail: string): void => {
      this.deviations.push(`${operation} ${label}: ${detail} (HTTP ${reply.status} ${reply.body.slice(0, 300)})`);
    };
    const op = operationOf(this.model, operation);
    if (reply.status === 200) {
      const wrapper = op.output?.resultWrapper ?? `${operation}Result`;
      const result = new RegExp(`<${wrapper}>([\\s\\S]*)</${wrapper}>`).exec(reply.body)?.[1];
      if (result === undefined || op.output === undefined) return fail(`no <${wrapper}>`);
      const members: Record<string, string> = {};
      for (const [, name, text] of result.matchAll(/<(\w+)>([^<]*)<\/\1>/g)) members[name as string] = unescapeXml(text as string);
      if (!/<RequestId>[^<]+<\/RequestId>/.test(reply.body)) fail('no RequestId');
      this.value(shapeOf(this.model, op.output), members, `${operation}>`, fail);
      return;
    }
    const code = /<Code>([^<]*)<\/Code>/.exec(reply.body)?.[1];
    if (code === undefined) return fail('an error without <Code>');
    const status = this.errorStatus(operation, code) ?? QUERY_COMMON_ERRORS.get(code);
    if (status === undefined) return fail(`${code} is neither modeled for ${operation} nor a common error`);
    if (reply.status !== status) fail(`${code} answered with HTTP ${reply.status}, not ${status}`);
    const type = /<Type>([^<]*)<\/Type>/.exec(reply.body)?.[1];
    if (type !== (status >= 500 ? 'Receiver' : 'Sender')) fail(`<Type> is ${type}`);
  }

  private errorStatus(operation: string, code: string): number | undefined {
    for (const ref of operationOf(this.model, operation).errors ?? []) {
      const answer = errorAnswer(ref.shape, shapeOf(this.model, ref));
      if (answer.code === code) return answer.status;
    }
    return undefined;
  }

  private walk(shape: Shape, path: string, add: (id: string) => void): void {
    if (shape.type === 'structure') {
      for (const member of membersOf(this.model, shape)) {
        if (member.required) add(`${path}${member.name}.required`);
        this.walk(member.shape, `${path}${member.name}.`, add);
      }
      return;
    }
    add(`${path}type`);
    for (const kind of ['min', 'max', 'pattern'] as const) if (shape[kind] !== undefined) add(`${path}${kind}`);
  }

  private value(shape: Shape, value: unknown, path: string, fail: (detail: string) => void): void {
    const mark = (kind: string, ok: boolean, detail: string): void => {
      this.exercised.add(`${path}${kind}`);
      if (!ok) fail(`${path}${kind}: ${detail}`);
    };
    if (shape.type === 'structure') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`${path} is not a structure`);
      const members = new Map(membersOf(this.model, shape).map((member) => [member.name, member]));
      for (const key of Object.keys(value)) if (!members.has(key)) fail(`${path}${key} is not in the model`);
      for (const member of members.values()) {
        const present = Object.hasOwn(value, member.name);
        if (member.required) mark(`${member.name}.required`, present, 'missing');
        if (present) this.value(member.shape, (value as Record<string, unknown>)[member.name], `${path}${member.name}.`, fail);
      }
      return;
    }
    if (shape.type === 'timestamp') {
      // awsJson sends timestamps as epoch seconds unless the shape says otherwise.
      return mark('type', (shape.timestampFormat ?? 'unixTimestamp') === 'unixTimestamp' && typeof value === 'number' && Number.isFinite(value), `${JSON.stringify(value)} is not epoch seconds`);
    }
    if (shape.type !== 'string') return fail(`${path}: the checker does not know ${shape.type}`);
    mark('type', typeof value === 'string', `${typeof value} is not a string`);
    if (typeof value !== 'string') return;
    const length = value.length; // UTF-16 units, as Java counts them
    if (shape.min !== undefined) mark('min', length >= shape.min, `length ${length} < ${shape.min}`);
    if (shape.max !== undefined) mark('max', length <= shape.max, `length ${length} > ${shape.max}`);
    if (shape.pattern !== undefined) mark('pattern', patternRegExp(shape.pattern).test(value), `${value.slice(0, 80)} does not match ${shape.pattern}`);
  }
}

function unescapeXml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}
