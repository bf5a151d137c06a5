import { InvalidParameterException } from '../errors/error-classes';

const MAX_ENTRIES = 50;
const MAX_KEY_LENGTH = 256;
const MAX_VALUE_LENGTH = 4_096;
const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Checks `clientMetadata` (a flat map of strings, as Cognito's Lambda triggers take it) and
 * returns a copy, so later changes by the caller don't reach an in-flight refresh.
 */
export function checkClientMetadata(value: unknown, name = 'clientMetadata'): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
    throw invalid(name, 'must be a plain object of strings');
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_ENTRIES) throw invalid(name, `has more than ${MAX_ENTRIES} entries`);
  // Object.entries misses a literal "__proto__" key set through JSON.parse, Object.keys does not.
  for (const key of Object.getOwnPropertyNames(value)) {
    if (forbiddenKeys.has(key)) throw invalid(name, `has the forbidden key "${key}"`);
  }
  const copy: Record<string, string> = {};
  for (const [key, entry] of entries) {
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) throw invalid(name, `has a key of ${key.length} characters`);
    if (typeof entry !== 'string') throw invalid(name, `has a value that is not a string (key "${key}")`);
    if (entry.length > MAX_VALUE_LENGTH) throw invalid(name, `has a value longer than ${MAX_VALUE_LENGTH} characters (key "${key}")`);
    copy[key] = entry;
  }
  return copy;
}

function invalid(name: string, problem: string): InvalidParameterException {
  return new InvalidParameterException(`${name} ${problem}.`, {
    recoverySuggestion: 'Pass a flat object of string keys and string values.',
  });
}
