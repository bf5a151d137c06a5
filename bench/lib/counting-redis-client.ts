import type { RedisStorageClient } from '../../src/storage/redis-storage';
import type { FailureTally } from './failure-tally';
import { noCommands, type CommandCounts, type CommandKind } from './fleet-protocol';

/** Counts the commands the adapter sends on its client; logs when each was sent while `logging`. */
export class CommandCounter {
  counts: CommandCounts = noCommands();
  total = 0;
  log: [number, CommandKind][] = [];
  /** When a lease attempt of this process succeeded (epoch ms), while `logging`. */
  leasesWon: number[] = [];
  logging = false;

  note(kind: CommandKind): void {
    this.counts[kind]++;
    this.total++;
    // Bounded: a runaway loop of commands must not take the process's memory with it.
    if (this.logging && this.log.length < 1_000_000) this.log.push([Date.now(), kind]);
  }

  noteLeaseWon(): void {
    if (this.logging && this.leasesWon.length < 100_000) this.leasesWon.push(Date.now());
  }

  reset(): void {
    this.counts = noCommands();
    this.total = 0;
    this.log = [];
    this.leasesWon = [];
  }
}

/** The adapter's view of `client`: every command it sends is counted, and every rejection noted as the client raised it. */
export function countingClient(inner: RedisStorageClient, counter: CommandCounter, failures: FailureTally): RedisStorageClient {
  const sent = <T>(kind: CommandKind, command: () => Promise<T>): Promise<T> => {
    counter.note(kind);
    return command().catch((error: unknown) => {
      failures.note(`redis ${kind}`, error);
      throw error;
    });
  };
  return {
    get: (key) => sent('get', () => inner.get(key)),
    set: (key, value, options) =>
      options?.NX === true
        ? sent('lease', () => inner.set(key, value, options)).then((reply) => {
            if (reply === 'OK') counter.noteLeaseWon();
            return reply;
          })
        : sent('set', () => inner.set(key, value, options)),
    del: (key) => sent('del', () => inner.del(key)),
    publish: (channel, message) => sent('publish', () => inner.publish(channel, message)),
    eval: (script, options) => sent('eval', () => inner.eval(script, options)),
    duplicate: () => inner.duplicate(),
  };
}
