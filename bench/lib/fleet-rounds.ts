import { commandKinds, noCommands, type CommandCounts, type CommandKind } from './fleet-protocol';

/** One renewal of the fleet's credentials: the Cognito requests it took and the Redis commands sent for it. */
export interface RenewalRound {
  /** When its first and last Cognito request arrived, ms after the window opened. */
  readonly firstAtMs: number;
  readonly lastAtMs: number;
  /** GetCredentialsForIdentity requests: the floor is 1. */
  readonly refreshes: number;
  /** Redis commands the fleet sent nearer to this round than to any other. */
  readonly commands: CommandCounts;
  /** When the first and last of those lease attempts were sent, ms after the window opened. */
  readonly leaseAttemptsFromMs: number | null;
  readonly leaseAttemptsToMs: number | null;
  /** Lease attempts that won (the floor is 1), and when, ms after the window opened. */
  readonly leasesWonAtMs: number[];
}

/** Arrival times of the requests (epoch ms, one entry per request), grouped where they are closer than `gapMs`. */
export function groupRequests(arrivals: readonly number[], gapMs: number): number[][] {
  const groups: number[][] = [];
  for (const at of [...arrivals].sort((a, b) => a - b)) {
    const last = groups.at(-1);
    const previous = last?.at(-1);
    if (last && previous !== undefined && at - previous < gapMs) last.push(at);
    else groups.push([at]);
  }
  return groups;
}

/**
 * Renewal rounds from the requests' arrivals, each with the logged commands nearest to it. With
 * no background work between renewals every command belongs to one; a process starved of CPU
 * sends its lease attempts late, so nearness, not a fixed span, places them.
 */
export function renewalRounds(
  arrivals: readonly number[],
  logs: readonly (readonly (readonly [number, CommandKind])[])[],
  leasesWon: readonly number[],
  windowStart: number,
  gapMs: number,
): RenewalRound[] {
  const groups = groupRequests(arrivals, gapMs);
  const rounds = groups.map(() => ({ commands: noCommands(), leaseFrom: Infinity, leaseTo: -Infinity, won: [] as number[] }));
  const firsts = groups.map((group) => group[0] as number);
  const nearest = (at: number): (typeof rounds)[number] | undefined => {
    let best = 0;
    for (let i = 1; i < firsts.length; i++) if (Math.abs(at - (firsts[i] as number)) < Math.abs(at - (firsts[best] as number))) best = i;
    return rounds[best];
  };
  for (const log of logs) {
    for (const [at, kind] of log) {
      const round = nearest(at);
      if (!round) continue;
      round.commands[kind]++;
      if (kind === 'lease') {
        round.leaseFrom = Math.min(round.leaseFrom, at);
        round.leaseTo = Math.max(round.leaseTo, at);
      }
    }
  }
  for (const at of leasesWon) nearest(at)?.won.push(at - windowStart);
  return groups.map((group, i) => {
    const round = rounds[i] as (typeof rounds)[number];
    const seen = round.leaseTo >= round.leaseFrom;
    return {
      firstAtMs: (group[0] as number) - windowStart,
      lastAtMs: (group.at(-1) as number) - windowStart,
      refreshes: group.length,
      commands: round.commands,
      leaseAttemptsFromMs: seen ? round.leaseFrom - windowStart : null,
      leaseAttemptsToMs: seen ? round.leaseTo - windowStart : null,
      leasesWonAtMs: round.won.sort((a, b) => a - b),
    };
  });
}

export function sumCommands(counts: readonly CommandCounts[]): CommandCounts {
  const total = noCommands();
  for (const c of counts) for (const kind of commandKinds) total[kind] += c[kind];
  return total;
}
