import { CognitoError, serializationError } from './cognito-errors';
import type { InputConstraints, LongRule, MapRule, MemberRule, StringRule } from './input-constraints';

/** A member value once read: text, a whole number, or a string map (a Map: keys come from the request). */
export type MemberValue = string | number | ReadonlyMap<string, string>;

/** Longest part of a value a message shows; the rest is cut, so a huge input is never echoed whole. */
const SHOWN_CHARS = 64;

function kindOf(value: unknown): string {
  if (value === null) return 'VALUE_NULL';
  if (typeof value === 'string') return 'VALUE_STRING';
  if (typeof value === 'number') return 'VALUE_NUMBER';
  if (typeof value === 'boolean') return 'VALUE_BOOLEAN';
  if (Array.isArray(value)) return 'START_ARRAY';
  return 'START_OBJECT';
}

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

function readMember(field: string, rule: MemberRule, value: unknown): MemberValue {
  if (rule.kind === 'string') {
    if (typeof value !== 'string') throw serializationError(`${kindOf(value)} can not be converted to a String (field '${field}')`);
    return value;
  }
  if (rule.kind === 'long') {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw serializationError(`${kindOf(value)} can not be converted to a Long (field '${field}')`);
    }
    return value;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw serializationError(`${kindOf(value)} can not be converted to a Map (field '${field}')`);
  }
  // A Map keeps every key JSON.parse made an own property, `__proto__` and `constructor` included.
  const map = new Map<string, string>();
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') throw serializationError(`${kindOf(entry)} can not be converted to a String (field '${field}')`);
    map.set(key, entry);
  }
  return map;
}

const compiled = new Map<string, RegExp>();
// The model's patterns must match the whole value (Java's Pattern.matches).
function wholeMatch(pattern: string, text: string): boolean {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    regex = new RegExp(`^(?:${pattern})$`);
    compiled.set(pattern, regex);
  }
  return regex.test(text);
}

/** Each constraint of a string rule the text breaks, worded as Cognito words it. */
function stringViolations(rule: StringRule, text: string): string[] {
  const found: string[] = [];
  if (rule.max !== undefined && text.length > rule.max) found.push(`Member must have length less than or equal to ${rule.max}`);
  if (rule.min !== undefined && text.length < rule.min) found.push(`Member must have length greater than or equal to ${rule.min}`);
  if (rule.pattern !== undefined && !wholeMatch(rule.pattern, text)) {
    found.push(`Member must satisfy regular expression pattern: ${rule.pattern}`);
  }
  return found;
}

/** Every constraint of a string rule, for the `Map keys must satisfy constraint: [...]` form. */
function allConstraints(rule: StringRule): string {
  const parts: string[] = [];
  if (rule.max !== undefined) parts.push(`Member must have length less than or equal to ${rule.max}`);
  if (rule.min !== undefined) parts.push(`Member must have length greater than or equal to ${rule.min}`);
  if (rule.pattern !== undefined) parts.push(`Member must satisfy regular expression pattern: ${rule.pattern}`);
  return `[${parts.join(', ')}]`;
}

function longViolations(rule: LongRule, n: number): string[] {
  const found: string[] = [];
  if (rule.max !== undefined && n > rule.max) found.push(`Member must have value less than or equal to ${rule.max}`);
  if (rule.min !== undefined && n < rule.min) found.push(`Member must have value greater than or equal to ${rule.min}`);
  return found;
}

function mapViolations(rule: MapRule, map: ReadonlyMap<string, string>): string[] {
  const found: string[] = [];
  if (rule.max !== undefined && map.size > rule.max) found.push(`Member must have length less than or equal to ${rule.max}`);
  if ([...map.keys()].some((key) => stringViolations(rule.key, key).length > 0)) {
    found.push(`Map keys must satisfy constraint: ${allConstraints(rule.key)}`);
  }
  if ([...map.values()].some((entry) => stringViolations(rule.value, entry).length > 0)) {
    found.push(`Map value must satisfy constraint: ${allConstraints(rule.value)}`);
  }
  return found;
}

const cut = (text: string): string => (text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}...` : text);

/** The value as a message shows it: quoted and cut; a secret map as `(redacted)`, never its tokens. */
function shown(rule: MemberRule, value: MemberValue): string {
  if (typeof value === 'string') return `'${cut(value)}'`;
  if (typeof value === 'number') return `'${value}'`;
  if (rule.kind === 'map' && rule.redacted === true) return '(redacted)';
  return `'${cut(`{${[...value].map(([key, entry]) => `${key}=${entry}`).join(', ')}}`)}'`;
}

function violationsOf(rule: MemberRule, value: MemberValue): string[] {
  if (rule.kind === 'string') return typeof value === 'string' ? stringViolations(rule, value) : [];
  if (rule.kind === 'long') return typeof value === 'number' ? longViolations(rule, value) : [];
  return typeof value === 'object' ? mapViolations(rule, value) : [];
}

const memberName = (field: string): string => `${field.charAt(0).toLowerCase()}${field.slice(1)}`;

/**
 * Reads and checks an operation's input against its constraints: a member of the wrong type is a
 * SerializationException; every broken constraint is listed in one ValidationException, worded as
 * Cognito words it (`1 validation error detected: Value '…' at '…' failed to satisfy constraint: …`).
 */
export function validateInput(input: Record<string, unknown>, constraints: InputConstraints): ReadonlyMap<string, MemberValue> {
  const values = new Map<string, MemberValue>();
  const items: string[] = [];
  for (const [field, { rule, required }] of constraints) {
    // Only the body's own members count: a missing member must not be read from Object.prototype.
    const raw = Object.hasOwn(input, field) ? input[field] : undefined;
    if (raw === undefined || raw === null) {
      if (required === true) items.push(`Value null at '${memberName(field)}' failed to satisfy constraint: Member must not be null`);
      continue;
    }
    const value = readMember(field, rule, raw);
    values.set(field, value);
    for (const constraint of violationsOf(rule, value)) {
      items.push(`Value ${shown(rule, value)} at '${memberName(field)}' failed to satisfy constraint: ${constraint}`);
    }
  }
  if (items.length > 0) {
    const head = items.length === 1 ? '1 validation error detected' : `${items.length} validation errors detected`;
    throw new CognitoError('ValidationException', `${head}: ${items.join('; ')}`);
  }
  return values;
}
