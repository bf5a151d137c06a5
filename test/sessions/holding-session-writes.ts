import type { KeyValueStorage } from '../../src/index';

const isSessionKey = (key: string) => key.endsWith('.session');

/**
 * `inner`, with writes of the session record held from `hold()` until `release()`: then they
 * land, or fail when `hold({ fail: true })` armed them. `waiting` counts the writes held so far.
 */
export function holdingSessionWrites(inner: Required<KeyValueStorage>) {
  let held: Promise<void> | undefined;
  let fail = false;
  let release = () => {};
  let waiting = 0;
  const storage: Required<KeyValueStorage> = {
    ...inner,
    async setItem(key, value) {
      if (held && isSessionKey(key)) {
        waiting += 1;
        const failing = fail;
        await held;
        if (failing) throw new Error('injected setItem failure');
      }
      return inner.setItem(key, value);
    },
    close: () => Promise.resolve(),
  };
  return {
    storage,
    hold(options: { fail?: boolean } = {}) {
      fail = options.fail === true;
      held = new Promise<void>((resolve) => (release = resolve));
    },
    get waiting() {
      return waiting;
    },
    release() {
      held = undefined;
      release();
    },
  };
}
