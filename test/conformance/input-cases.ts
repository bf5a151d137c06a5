import { membersOf, operationOf, shapeOf, type ServiceModel, type Shape } from './service-model';

/**
 * Inputs generated from the model: for each member of an operation's input, values at and across
 * every bound it states (lengths, map sizes, key and value lengths, ranges), values that break its
 * pattern, the member left out or null, and values of the wrong JSON type; each put into an
 * otherwise valid request. What the answer must be is the oracle's call, not the generator's.
 */

export interface InputCase {
  readonly operation: string;
  readonly label: string;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface OperationSeeds {
  /** A request the pool answers with success. */
  readonly base: Readonly<Record<string, unknown>>;
  /** A valid value for every member (those of `base` included), to grow and break. */
  readonly full: Readonly<Record<string, unknown>>;
}

/** The text grown to `length` by repeating its last character, or cut to it. */
function sized(seed: string, length: number): string {
  if (length <= seed.length) return seed.slice(0, length);
  return seed + (seed.at(-1) ?? 'a').repeat(length - seed.length);
}

/** Edits that break most patterns: a trailing newline (whole-value matching), spaces, foreign characters. */
const PATTERN_BREAKERS: readonly ((seed: string) => string)[] = [
  (seed) => `${seed}\n`,
  (seed) => ` ${seed}`,
  (seed) => `${seed.slice(0, -1)}#`,
  (seed) => seed.toUpperCase().replace(/[^A-Z]/g, 'Z'),
  (seed) => seed.replace(/[:\d]/g, '/'),
];

function stringValues(shape: Shape, seed: string): [string, string][] {
  const values: [string, string][] = [['empty', '']];
  if (shape.min !== undefined && shape.min > 1) {
    values.push([`length ${shape.min - 1}`, sized(seed, shape.min - 1)], [`length ${shape.min}`, sized(seed, shape.min)]);
  }
  if (shape.max !== undefined) {
    values.push([`length ${shape.max}`, sized(seed, shape.max)], [`length ${shape.max + 1}`, sized(seed, shape.max + 1)]);
  }
  if (shape.pattern !== undefined) PATTERN_BREAKERS.forEach((edit, i) => values.push([`pattern break ${i + 1}`, edit(seed)]));
  return values;
}

function mapValues(model: ServiceModel, shape: Shape, seed: Record<string, string>): [string, unknown][] {
  const key = shapeOf(model, shape.key!);
  const value = shapeOf(model, shape.value!);
  const [seedKey, seedValue] = Object.entries(seed)[0] ?? ['key', 'value'];
  const entries = (n: number): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${seedKey}-${i}`, seedValue]));
  const values: [string, unknown][] = [['empty map', {}]];
  if (shape.max !== undefined) values.push([`${shape.max} entries`, entries(shape.max)], [`${shape.max + 1} entries`, entries(shape.max + 1)]);
  for (const [label, text] of stringValues(key, seedKey)) values.push([`key ${label}`, { ...seed, [text]: seedValue }]);
  for (const [label, text] of stringValues(value, seedValue)) values.push([`value ${label}`, { [seedKey]: text }]);
  values.push(['a list', [seedKey]], ['a number value', { [seedKey]: 1 }], ['a null value', { [seedKey]: null }]);
  return values;
}

function numberValues(shape: Shape): [string, unknown][] {
  const values: [string, unknown][] = [];
  for (const bound of [shape.min, shape.max]) {
    if (bound === undefined) continue;
    values.push([`${bound}`, bound], [`${bound === shape.min ? bound - 1 : bound + 1}`, bound === shape.min ? bound - 1 : bound + 1]);
  }
  values.push(['a string', '5'], ['a fraction', 1.5]);
  return values;
}

/** Every generated case of one operation. */
export function inputCases(model: ServiceModel, operation: string, seeds: OperationSeeds): InputCase[] {
  const op = operationOf(model, operation);
  if (op.input === undefined) return [];
  const members = membersOf(model, shapeOf(model, op.input));
  const cases: InputCase[] = [{ operation, label: 'base', body: seeds.base }, { operation, label: 'every member', body: seeds.full }];
  const put = (label: string, name: string, value: unknown): void => {
    cases.push({ operation, label: `${name}: ${label}`, body: { ...seeds.base, [name]: value } });
  };
  for (const member of members) {
    const seed = Object.hasOwn(seeds.full, member.name) ? seeds.full[member.name] : undefined;
    if (seed === undefined) throw new Error(`no seed for ${operation}.${member.name}: the model has a member the suite does not know`);
    const rest = Object.fromEntries(Object.entries(seeds.base).filter(([key]) => key !== member.name));
    cases.push({ operation, label: `${member.name}: absent`, body: rest }, { operation, label: `${member.name}: null`, body: { ...rest, [member.name]: null } });
    const { type } = member.shape;
    if (type === 'string') {
      for (const [label, value] of stringValues(member.shape, seed as string)) put(label, member.name, value);
      put('a number', member.name, 5);
      put('an object', member.name, { a: 'b' });
    } else if (type === 'map') {
      for (const [label, value] of mapValues(model, member.shape, seed as Record<string, string>)) put(label, member.name, value);
    } else {
      for (const [label, value] of numberValues(member.shape)) put(label, member.name, value);
    }
  }
  // Every member broken at once: the answer lists each violation.
  const broken = Object.fromEntries(members.map((member) => [member.name, member.shape.type === 'map' ? { '': '' } : member.shape.type === 'string' ? '' : 0]));
  cases.push({ operation, label: 'every member broken', body: broken });
  return cases;
}
