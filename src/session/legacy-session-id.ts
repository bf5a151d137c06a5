import { MAX_SESSION_ID_LENGTH } from './cleared-sessions';

/**
 * The id of a federation stored before records carried one: derived from its writer and stamp,
 * the same in every context (synchronously, without `node:crypto`, which browsers lack).
 *
 * `legacy:<writer>:<updatedAt>` when that fits in {@link MAX_SESSION_ID_LENGTH}, which keeps the
 * ids earlier versions recorded as cleared. A longer writer (only a hand-made record has one:
 * writers are UUIDs) is replaced by its length and a 64-bit FNV-1a hash, under `legacy#` so it
 * never equals a short form. FNV is no defence against crafted collisions, and needs none here:
 * a collision can only make a clear of one record also clear another with the same stamp, so it
 * may sign a session out, never bring a cleared one back, and only whoever can already write the
 * storage (and so remove any session) can craft one.
 */
export function legacySessionId(writer: string, updatedAt: number): string {
  const plain = `legacy:${writer}:${updatedAt}`;
  if (plain.length <= MAX_SESSION_ID_LENGTH) return plain;
  return `legacy#${writer.length}:${fnv1a64(writer)}:${updatedAt}`;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = (1n << 64n) - 1n;

/** FNV-1a over the UTF-16 code units, as 16 hex digits. */
function fnv1a64(text: string): string {
  let hash = FNV_OFFSET;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= BigInt(text.charCodeAt(index));
    hash = (hash * FNV_PRIME) & MASK_64;
  }
  return hash.toString(16).padStart(16, '0');
}
