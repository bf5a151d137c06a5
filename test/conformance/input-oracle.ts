import { membersOf, operationOf, patternRegExp, shapeOf, type ServiceModel, type Shape } from './service-model';

/**
 * What Cognito answers to an input, computed from the service model alone: the constraints each
 * operation's input states, and for a given body either a SerializationException (a member of the
 * wrong JSON type), a ValidationException listing every broken constraint, or neither.
 */

export interface Constraint {
  /** `Operation.Member.kind`, e.g. `GetId.IdentityPoolId.pattern`. */
  readonly id: string;
  readonly operation: string;
  readonly member: string;
}

export type Expected =
  | { readonly kind: 'serialization' }
  | { readonly kind: 'validation'; readonly items: readonly string[]; readonly broken: readonly string[] }
  | { readonly kind: 'valid' };

/** Longest part of a value the pool's messages show (its rule, not the model's: huge inputs are never echoed). */
const SHOWN_CHARS = 64;
/** Maps whose values are provider tokens: the pool's messages show `(redacted)` for them. */
const REDACTED_MAPS: ReadonlySet<string> = new Set(['LoginsMap']);

const lowerFirst = (name: string): string => `${name.charAt(0).toLowerCase()}${name.slice(1)}`;
const cut = (text: string): string => (text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}...` : text);

function stringChecks(shape: Shape): { kind: string; text: string; broken: (value: string) => boolean }[] {
  const checks: { kind: string; text: string; broken: (value: string) => boolean }[] = [];
  const { min, max, pattern } = shape;
  if (max !== undefined) checks.push({ kind: 'max', text: `Member must have length less than or equal to ${max}`, broken: (v) => v.length > max });
  if (min !== undefined) checks.push({ kind: 'min', text: `Member must have length greater than or equal to ${min}`, broken: (v) => v.length < min });
  if (pattern !== undefined) {
    const regex = patternRegExp(pattern);
    checks.push({ kind: 'pattern', text: `Member must satisfy regular expression pattern: ${pattern}`, broken: (v) => !regex.test(v) });
  }
  return checks;
}

function numberChecks(shape: Shape): { kind: string; text: string; broken: (value: number) => boolean }[] {
  const checks: { kind: string; text: string; broken: (value: number) => boolean }[] = [];
  const { min, max } = shape;
  if (max !== undefined) checks.push({ kind: 'range-max', text: `Member must have value less than or equal to ${max}`, broken: (v) => v > max });
  if (min !== undefined) checks.push({ kind: 'range-min', text: `Member must have value greater than or equal to ${min}`, broken: (v) => v < min });
  return checks;
}

interface MapChecks {
  size: { kind: string; text: string; broken: (size: number) => boolean }[];
  key: ReturnType<typeof stringChecks>;
  value: ReturnType<typeof stringChecks>;
}

function mapChecks(model: ServiceModel, shape: Shape): MapChecks {
  const key = shapeOf(model, shape.key!);
  const value = shapeOf(model, shape.value!);
  if (key.type !== 'string' || value.type !== 'string') throw new Error('the oracle knows string → string maps only');
  const { max } = shape;
  return {
    size: max === undefined ? [] : [{ kind: 'size-max', text: `Member must have length less than or equal to ${max}`, broken: (n) => n > max }],
    key: stringChecks(key),
    value: stringChecks(value),
  };
}

const NUMBER_TYPES: ReadonlySet<string> = new Set(['long', 'integer']);

function inputMembers(model: ServiceModel, operation: string) {
  const op = operationOf(model, operation);
  if (op.input === undefined) return [];
  return membersOf(model, shapeOf(model, op.input));
}

/** Every constraint the model states on the operation's input. */
export function inputConstraints(model: ServiceModel, operation: string): Constraint[] {
  const found: Constraint[] = [];
  const add = (member: string, kind: string): void => {
    found.push({ id: `${operation}.${member}.${kind}`, operation, member });
  };
  for (const member of inputMembers(model, operation)) {
    if (member.required) add(member.name, 'required');
    const { type } = member.shape;
    if (type === 'string') for (const check of stringChecks(member.shape)) add(member.name, check.kind);
    else if (NUMBER_TYPES.has(type)) for (const check of numberChecks(member.shape)) add(member.name, check.kind);
    else if (type === 'map') {
      const checks = mapChecks(model, member.shape);
      for (const check of checks.size) add(member.name, check.kind);
      for (const check of checks.key) add(member.name, `key-${check.kind}`);
      for (const check of checks.value) add(member.name, `value-${check.kind}`);
    } else throw new Error(`the oracle does not know ${type} members (${operation}.${member.name})`);
  }
  return found;
}

function wrongType(model: ServiceModel, shape: Shape, value: unknown): boolean {
  if (shape.type === 'string') return typeof value !== 'string';
  if (NUMBER_TYPES.has(shape.type)) return typeof value !== 'number' || !Number.isSafeInteger(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return true;
  return Object.values(value).some((entry) => wrongType(model, shapeOf(model, shape.value!), entry));
}

function shown(shapeName: string, value: unknown): string {
  if (typeof value === 'string') return `'${cut(value)}'`;
  if (typeof value === 'number') return `'${value}'`;
  if (REDACTED_MAPS.has(shapeName)) return '(redacted)';
  const entries = Object.entries(value as Record<string, string>).map(([key, entry]) => `${key}=${entry}`);
  return `'${cut(`{${entries.join(', ')}}`)}'`;
}

/** What the model says the answer to `body` must be. */
export function expectedFor(model: ServiceModel, operation: string, body: Readonly<Record<string, unknown>>): Expected {
  const items: string[] = [];
  const broken: string[] = [];
  const members = inputMembers(model, operation);
  for (const member of members) {
    const value = Object.hasOwn(body, member.name) ? body[member.name] : undefined;
    if (value !== undefined && value !== null && wrongType(model, member.shape, value)) return { kind: 'serialization' };
  }
  for (const member of members) {
    const value = Object.hasOwn(body, member.name) ? body[member.name] : undefined;
    const at = `at '${lowerFirst(member.name)}' failed to satisfy constraint:`;
    const fail = (kind: string, text: string): void => {
      broken.push(`${operation}.${member.name}.${kind}`);
      items.push(`Value ${shown(member.shapeName, value)} ${at} ${text}`);
    };
    if (value === undefined || value === null) {
      if (member.required) {
        broken.push(`${operation}.${member.name}.required`);
        items.push(`Value null ${at} Member must not be null`);
      }
      continue;
    }
    if (typeof value === 'string') {
      for (const check of stringChecks(member.shape)) if (check.broken(value)) fail(check.kind, check.text);
    } else if (typeof value === 'number') {
      for (const check of numberChecks(member.shape)) if (check.broken(value)) fail(check.kind, check.text);
    } else {
      const checks = mapChecks(model, member.shape);
      const map = value as Record<string, string>;
      for (const check of checks.size) if (check.broken(Object.keys(map).length)) fail(check.kind, check.text);
      for (const [side, list, values] of [
        ['key', checks.key, Object.keys(map)],
        ['value', checks.value, Object.values(map)],
      ] as const) {
        const hits = list.filter((check) => values.some((entry) => check.broken(entry)));
        if (hits.length === 0) continue;
        for (const hit of hits) broken.push(`${operation}.${member.name}.${side}-${hit.kind}`);
        const all = `[${list.map((check) => check.text).join(', ')}]`;
        items.push(`Value ${shown(member.shapeName, value)} ${at} ${side === 'key' ? 'Map keys' : 'Map value'} must satisfy constraint: ${all}`);
      }
    }
  }
  return items.length === 0 ? { kind: 'valid' } : { kind: 'validation', items, broken };
}

/** The ValidationException message Cognito words for these items (their order is not part of the check). */
export function validationHead(count: number): string {
  return count === 1 ? '1 validation error detected: ' : `${count} validation errors detected: `;
}
