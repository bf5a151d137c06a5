/**
 * @internal A 128-bit random lease owner token. `getRandomValues` rather than `randomUUID`
 * because the latter is missing outside secure contexts (plain-http pages).
 */
export function createLeaseToken(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let token = '';
  for (const byte of bytes) token += byte.toString(16).padStart(2, '0');
  return token;
}
