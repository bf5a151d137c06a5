/** How often each distinct failure was seen; names and messages only (idpool's and the adapter's never quote a secret). */
export class FailureTally {
  readonly #counts = new Map<string, number>();
  readonly #label: string;

  /** `label` names the process in the line printed to stderr when a failure is first seen. */
  constructor(label: string) {
    this.#label = label;
  }

  note(kind: string, error: unknown): void {
    const text = `${kind}: ${describe(error)}`.slice(0, 300);
    // Bounded: a flood of distinct messages keeps only the first few.
    if (this.#counts.size >= 20 && !this.#counts.has(text)) return;
    const seen = this.#counts.get(text) ?? 0;
    // Said at once: a run that breaks down before the window closes reports nothing else.
    if (seen === 0) console.error(`bench: ${this.#label}: ${text}`);
    this.#counts.set(text, seen + 1);
  }

  samples(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}

/** A message that may quote a record (JSON) or a token (a JWT) is left out: raw client errors are not redacted. */
const mayQuoteSecret = (message: string): boolean => message.includes('{') || message.includes('eyJ');

function describe(error: unknown): string {
  if (!(error instanceof Error)) return typeof error === 'object' && error !== null ? `${String(Reflect.get(error, 'name'))}` : typeof error;
  const cause: unknown = error.cause;
  const code: unknown = Reflect.get(error, 'code');
  const message = mayQuoteSecret(error.message) ? '(message withheld)' : error.message;
  return `${error.constructor.name}/${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${message}${cause instanceof Error ? ` (cause ${describe(cause)})` : ''}`;
}
