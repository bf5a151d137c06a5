/** Kinds of fault the local pool can inject. */
export type FaultKind =
  | 'throttle'
  | 'internal'
  | 'drop'
  | 'latency'
  | 'clockSkew'
  | 'notAuthorized'
  | 'resourceNotFound';

/** A fault to inject into the next matching requests. */
export interface FaultSpec {
  /** Operation name (`GetId`, `GetCallerIdentity`, …) or `'*'` for any. */
  readonly op: string;
  readonly kind: FaultKind;
  /** How many matching requests it affects; default 1, `Infinity` allowed. */
  readonly times?: number;
  /** For `latency`: how long to wait before answering normally. */
  readonly delayMs?: number;
  /** For `clockSkew`: seconds added to the `Date` header and to `Expiration`. */
  readonly skewSeconds?: number;
}

export interface ActiveFault {
  readonly kind: FaultKind;
  readonly delayMs: number;
  readonly skewSeconds: number;
}

const KINDS: ReadonlySet<string> = new Set<FaultKind>([
  'throttle',
  'internal',
  'drop',
  'latency',
  'clockSkew',
  'notAuthorized',
  'resourceNotFound',
]);

// setTimeout holds at most 2^31-1 ms; a longer delay would fire after 1 ms instead.
const MAX_DELAY_MS = 2 ** 31 - 1;
// A century either way keeps the Date header and Expiration real dates (a clock reset to 1970 fits).
const MAX_SKEW_SECONDS = 100 * 365 * 24 * 3600;

interface Pending extends ActiveFault {
  readonly op: string;
  remaining: number;
}

/** Injected faults, consumed in order of injection, one per matching request. */
export class FaultQueue {
  private pending: Pending[] = [];

  add(spec: FaultSpec): void {
    if (typeof spec !== 'object' || spec === null) throw new TypeError('fault spec must be an object');
    if (typeof spec.op !== 'string' || spec.op === '') throw new TypeError('"op" must be an operation name or "*"');
    if (!KINDS.has(spec.kind)) throw new TypeError(`"kind" must be one of ${[...KINDS].join(', ')}`);
    const times = spec.times ?? 1;
    if (!(times === Infinity || (Number.isInteger(times) && times > 0))) {
      throw new TypeError('"times" must be a positive integer or Infinity');
    }
    const delayMs = spec.delayMs ?? 0;
    if (typeof delayMs !== 'number' || !(delayMs >= 0 && delayMs <= MAX_DELAY_MS)) {
      throw new TypeError(`"delayMs" must be a number of milliseconds from 0 to ${MAX_DELAY_MS}`);
    }
    const skewSeconds = spec.skewSeconds ?? 0;
    if (typeof skewSeconds !== 'number' || !(Math.abs(skewSeconds) <= MAX_SKEW_SECONDS)) {
      throw new TypeError(`"skewSeconds" must be a number of seconds within ±${MAX_SKEW_SECONDS} (a century)`);
    }
    this.pending.push({ op: spec.op, kind: spec.kind, remaining: times, delayMs, skewSeconds });
  }

  /** Takes one use of the first fault matching `op`, if any. */
  take(op: string): ActiveFault | undefined {
    const index = this.pending.findIndex((fault) => fault.op === '*' || fault.op === op);
    const fault = this.pending[index];
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.pending.splice(index, 1);
    return { kind: fault.kind, delayMs: fault.delayMs, skewSeconds: fault.skewSeconds };
  }

  clear(): void {
    this.pending = [];
  }
}
