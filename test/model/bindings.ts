/**
 * Model symbols (identity `I1`, token `tok3`, credentials `AKMODEL5`) bound one-to-one to the
 * real values the engine and the pool produced. Unifying a pair binds it the first time and
 * fails when either side was already bound to something else.
 */
export class Bindings {
  readonly #forward = new Map<string, string>();
  readonly #backward = new Map<string, string>();

  real(kind: string, symbol: string): string | undefined {
    return this.#forward.get(`${kind}:${symbol}`);
  }

  unify(kind: string, symbol: string | undefined, real: string | undefined, where: string): void {
    if (symbol === undefined || real === undefined) {
      if (symbol !== real) throw new Error(`${where}: model has ${kind} ${symbol ?? '(none)'}, engine has ${real === undefined ? '(none)' : describe(real)}`);
      return;
    }
    const bound = this.#forward.get(`${kind}:${symbol}`);
    const owner = this.#backward.get(`${kind}:${real}`);
    if (bound === undefined && owner === undefined) {
      this.#forward.set(`${kind}:${symbol}`, real);
      this.#backward.set(`${kind}:${real}`, symbol);
      return;
    }
    if (bound !== real || owner !== symbol) {
      throw new Error(`${where}: model ${kind} ${symbol} is ${bound === undefined ? 'unbound' : describe(bound)}, engine shows ${describe(real)} (model ${owner ?? 'none'})`);
    }
  }
}

// Tokens are long and are secrets of the test only; show their start.
function describe(value: string): string {
  return value.length > 24 ? `${value.slice(0, 12)}…` : value;
}
