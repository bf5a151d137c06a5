/**
 * A 128-bit random id in hex (writer ids, lease tokens). `getRandomValues` rather than
 * `randomUUID`: the latter is missing outside secure contexts (plain-http pages other than
 * localhost) and in some runtimes, while `getRandomValues` is everywhere idpool runs.
 */
export function randomId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  // One flat string (a join), not a chain of 16 concatenations that each engine would keep.
  return Array.from(bytes, (byte) => HEX[byte]).join('');
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
