const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR_LINE = '\r\x1b[K';

/**
 * Lines plus an optional spinner. With `raw` (a TTY's write) the spinner animates on the
 * last line and is cleared before each printed line, then redrawn; without it (pipes, CI,
 * tests) `spin` prints its text once as a plain line and nothing is ever rewritten.
 */
export class TerminalOutput {
  readonly #line: (text: string) => void;
  readonly #raw: ((text: string) => void) | undefined;
  #spinnerText: string | undefined;
  #frame = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(line: (text: string) => void, raw?: (text: string) => void) {
    this.#line = line;
    this.#raw = raw;
  }

  line(text: string): void {
    if (this.#spinnerText !== undefined) this.#raw?.(CLEAR_LINE);
    this.#line(text);
    this.#draw();
  }

  /** Shows `text` with a spinner until the returned function is called. */
  spin(text: string): () => void {
    if (this.#raw === undefined) {
      this.#line(`  … ${text}`);
      return () => undefined;
    }
    this.#stop();
    this.#spinnerText = text;
    this.#draw();
    this.#timer = setInterval(() => {
      this.#frame = (this.#frame + 1) % FRAMES.length;
      this.#draw();
    }, 80);
    return () => this.#stop();
  }

  /** Replaces the spinner's text (e.g. a countdown). */
  update(text: string): void {
    if (this.#spinnerText === undefined) return;
    this.#spinnerText = text;
    this.#draw();
  }

  /** Stops the spinner, if any. */
  close(): void {
    this.#stop();
  }

  #draw(): void {
    if (this.#spinnerText !== undefined) this.#raw?.(`${CLEAR_LINE}  ${FRAMES[this.#frame]} ${this.#spinnerText}`);
  }

  #stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#spinnerText !== undefined) this.#raw?.(CLEAR_LINE);
    this.#spinnerText = undefined;
  }
}
