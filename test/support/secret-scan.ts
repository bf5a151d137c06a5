import { inspect } from 'node:util';
import { expect } from 'vitest';

/** Serialises anything every way a secret could leak through: JSON, util.inspect, String. */
export function everyRendering(value: unknown): string {
  const parts: string[] = [];
  try {
    parts.push(JSON.stringify(value, (_key, inner: unknown) => (inner instanceof Error ? { name: inner.name, message: inner.message, stack: inner.stack, cause: inner.cause } : inner)) ?? '');
  } catch {
    parts.push('[unserialisable]');
  }
  parts.push(inspect(value, { depth: 12, showHidden: false }));
  if (value instanceof Error) parts.push(String(value), value.stack ?? '');
  return parts.join('\n');
}

/** Fails naming where a secret string appears in the gathered output. */
export function expectNoSecrets(haystacks: Record<string, string>, secrets: readonly string[]): void {
  const meaningful = secrets.filter((secret) => secret.length >= 8);
  expect(meaningful.length).toBeGreaterThan(0);
  for (const [where, text] of Object.entries(haystacks)) {
    for (const secret of meaningful) {
      if (text.includes(secret)) throw new Error(`a secret (${secret.slice(0, 6)}…) appears in ${where}`);
    }
  }
}
