/** @internal Why a backend error may not be kept as a `cause`. */
export type QuotedSecretFinding = 'quotes' | 'tooLarge';

// Values (keys, strings, objects) looked at before giving up: a bigger error graph is withheld
// rather than passed through unchecked.
const MAX_VISITS = 100_000;
// Bytes of a buffer decoded to look for a secret in it.
const MAX_BUFFER_BYTES = 1 << 20;
// Read through `Reflect.get` as well, because they may be getters on the prototype (DOMException)
// and `util.inspect` prints them: `errors` is AggregateError's list of inner errors.
const NAMED_FIELDS = ['name', 'message', 'stack', 'cause', 'errors'] as const;

/**
 * @internal Looks through everything `util.inspect(error, { showHidden: true })` or
 * `JSON.stringify` could print of `error` — its whole graph: `cause`, AggregateError's `errors`,
 * every own property (non-enumerable and symbol-keyed ones too), the keys themselves, Map and
 * Set entries, buffers — for any of `secrets`. Cycles are followed once. Returns `'quotes'` when
 * one is found, `'tooLarge'` when the graph is bigger than can be checked, `undefined` when it
 * is clean. A getter or Proxy trap that throws counts as holding nothing more.
 */
export function findQuotedSecret(error: unknown, secrets: readonly string[]): QuotedSecretFinding | undefined {
  if (secrets.length === 0) return undefined;
  const seen = new Set<object>();
  const pending: unknown[] = [error];
  let visits = 0;
  const quotes = (text: string): boolean => secrets.some((secret) => text.includes(secret));
  while (pending.length > 0) {
    visits += 1;
    if (visits > MAX_VISITS) return 'tooLarge';
    const value = pending.pop();
    if (typeof value === 'string') {
      if (quotes(value)) return 'quotes';
      continue;
    }
    if (typeof value === 'symbol') {
      if (quotes(value.description ?? '')) return 'quotes';
      continue;
    }
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) continue;
    seen.add(value);
    const bytes = bufferText(value);
    if (bytes !== undefined) {
      // Its indexed elements are those bytes: no need to visit them one by one.
      if (quotes(bytes)) return 'quotes';
      continue;
    }
    for (const field of NAMED_FIELDS) pending.push(read(value, field));
    for (const entry of collectionEntries(value)) pending.push(entry);
    let keys: Array<string | symbol>;
    try {
      keys = Reflect.ownKeys(value);
    } catch {
      continue;
    }
    if (keys.length > MAX_VISITS) return 'tooLarge';
    for (const key of keys) {
      pending.push(key);
      pending.push(read(value, key));
    }
  }
  return undefined;
}

/** One property, getters included (JSON.stringify and loggers call them); a throwing one holds nothing. */
function read(value: object, key: string | symbol): unknown {
  try {
    return Reflect.get(value, key);
  } catch {
    return undefined;
  }
}

function collectionEntries(value: object): unknown[] {
  try {
    if (value instanceof Map) return [...Map.prototype.entries.call(value)].flat();
    if (value instanceof Set) return [...Set.prototype.values.call(value)];
  } catch {
    // A Proxy or a subclass that refuses to be read: its own properties are still looked at.
  }
  return [];
}

/** A buffer's bytes as text (util.inspect prints them, a logger may decode them), at most 1 MiB. */
function bufferText(value: object): string | undefined {
  try {
    const view = ArrayBuffer.isView(value)
      ? new Uint8Array(value.buffer, value.byteOffset, Math.min(value.byteLength, MAX_BUFFER_BYTES))
      : value instanceof ArrayBuffer
        ? new Uint8Array(value, 0, Math.min(value.byteLength, MAX_BUFFER_BYTES))
        : undefined;
    return view === undefined ? undefined : new TextDecoder().decode(view);
  } catch {
    return undefined;
  }
}
