import { createClient } from 'redis';

/** The bench's own connection to the fleet's redis-server, for its counters only. */
export interface RedisCommandStats {
  /** `CONFIG RESETSTAT`: zeroes the server's command counters. */
  reset(): Promise<void>;
  /** Calls per command since the reset (`INFO commandstats`), without the bench's own INFO and CONFIG. */
  read(): Promise<Record<string, number>>;
  /** Connections subscribed to `channel` (`PUBSUB NUMSUB`): how many receive each notification. */
  subscribers(channel: string): Promise<number>;
  close(): Promise<void>;
}

/** The bench's own commands, left out of the fleet's figures. */
const OWN_COMMANDS: ReadonlySet<string> = new Set(['info', 'config', 'config|resetstat', 'pubsub', 'pubsub|numsub']);

/** `cmdstat_get:calls=3,usec=…` lines → `{ get: 3 }`; subcommands as Redis names them (`client|setinfo`). */
export function parseCommandStats(info: string): Record<string, number> {
  const calls = new Map<string, number>();
  for (const line of info.split(/\r?\n/)) {
    const match = /^cmdstat_([a-z|_-]+):calls=(\d+),/.exec(line);
    if (!match) continue;
    const name = match[1] as string;
    if (OWN_COMMANDS.has(name)) continue;
    calls.set(name, Number(match[2]));
  }
  return Object.fromEntries(calls);
}

export async function connectCommandStats(url: string): Promise<RedisCommandStats> {
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 10_000 } });
  client.on('error', () => undefined);
  await client.connect();
  return {
    async reset() {
      await client.configResetStat();
    },
    async read() {
      return parseCommandStats(await client.info('commandstats'));
    },
    async subscribers(channel) {
      const reply = await client.pubSubNumSub(channel);
      return Number(Object.values(reply)[0] ?? 0);
    },
    async close() {
      await client.close().catch(() => undefined);
    },
  };
}
