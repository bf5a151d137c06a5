import type { FleetRedisResult } from '../figures/fleet-redis';

const int = (v: number): string => Math.round(v).toLocaleString('en-US');
const fixed = (v: number, digits: number): string => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** The fleet's figures that must be numbers in every run (checked like the contenders' figures). */
export const fleetFigureKeys = ['refreshesPerLifetime', 'callersWaited', 'redisCommandsPerCachedCall', 'redisCommandsPerLifetime', 'expiredServed'] as const;

/** The fleet table of docs/benchmarks.md: idpool's figure beside its goal (no peer shares a session). */
export function fleetMarkdownTable(fleet: FleetRedisResult): string {
  const perRound = fleet.rounds.map((round) => round.refreshes).join(', ');
  const sent = fleet.clientCommands;
  const perLifetime = (n: number) => int(n / fleet.lifetimes);
  const rows: [string, string, string][] = [
    [
      'Cognito refreshes (GetCredentialsForIdentity) per credential lifetime, whole fleet',
      `${fixed(fleet.refreshesPerLifetime, 2)} (${int(fleet.cognitoRefreshes)} in ${fleet.lifetimes} renewals: ${perRound}; ${fleet.renewalsDue} were due)`,
      '1',
    ],
    [`callers that waited (needed I/O to answer), of ${int(fleet.calls)} calls`, int(fleet.callersWaited), '0'],
    ['Redis round trips on a cached call', fixed(fleet.redisCommandsPerCachedCall, 2), '0'],
    [
      'Redis commands per lifetime (processed by the server, `INFO commandstats`)',
      `${int(fleet.redisCommandsPerLifetime)} (asked for by the adapters: ${perLifetime(sent.lease)} lease SET NX, ${perLifetime(sent.get)} GET, ${perLifetime(sent.set)} SET, ${perLifetime(sent.publish)} PUBLISH, ${perLifetime(sent.eval)} EVAL, ${perLifetime(sent.del)} DEL)`,
      'reported',
    ],
    [`expired credentials handed out`, int(fleet.expiredServed), '0'],
    [`calls that failed or got no credentials`, int(fleet.failedCalls), '0'],
  ];
  const lines = [
    `| figure (${fleet.processes} processes × ${fleet.enginesPerProcess} engines, one Redis) | idpool | goal |`,
    '| --- | ---: | ---: |',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ];
  return lines.join('\n');
}
