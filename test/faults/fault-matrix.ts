import type { FaultKind } from '../../src/local/index';

/** The local pool's fault kinds, as the matrix rows. `latency` is longer than the engine's request timeout. */
export const FAULT_ROWS: ReadonlyArray<{ fault: FaultKind; label: string }> = [
  { fault: 'throttle', label: 'throttle (`TooManyRequestsException`)' },
  { fault: 'internal', label: 'internal (HTTP 500)' },
  { fault: 'drop', label: 'dropped connection' },
  { fault: 'latency', label: 'latency beyond `requestTimeoutMs`' },
  { fault: 'clockSkew', label: 'clock skew (+2 h `Date`, `Expiration`)' },
  { fault: 'notAuthorized', label: '`NotAuthorizedException`' },
  { fault: 'resourceNotFound', label: '`ResourceNotFoundException`' },
];

/** The states that call Cognito, as the matrix columns; the fault hits their GetCredentialsForIdentity. */
export const STATE_COLUMNS = [
  { column: 'guest', label: 'guest fetch', scenario: 'a guest with credentials calls `fetchAuthSession({ forceRefresh: true })`' },
  { column: 'federating', label: 'federating', scenario: 'a federated user federates again with a new token for the same subject (its identity id is reused)' },
  { column: 'refreshing', label: 'refreshing', scenario: 'a federated user calls `fetchAuthSession({ forceRefresh: true })`' },
  { column: 'restoring', label: 'restoring', scenario: 'the app restarts from a stored identity id and token without credentials (`persistCredentials: false`) and calls `fetchAuthSession()`' },
] as const;

export type Column = (typeof STATE_COLUMNS)[number]['column'];

/** What one cell expects. */
export interface CellExpectation {
  /** How the caller's promise ends: resolved, or the error `name` it rejects with. */
  result: 'resolves' | 'TooManyRequestsException' | 'InternalErrorException' | 'NetworkError' | 'NotAuthorizedException';
  /** Cognito requests the step makes. */
  requests: { GetId?: number; GetCredentialsForIdentity: number };
  /**
   * What happens to the session: `kept` — the earlier credentials are still served;
   * `renewed` — new credentials, same identity; `new identity` — new credentials under a
   * new identity id; `ended` — signed out with `sessionExpired` (there were no valid
   * credentials to keep).
   */
  session: 'kept' | 'renewed' | 'new identity' | 'ended';
}

const retried = (column: Column): CellExpectation =>
  column === 'guest' || column === 'federating'
    ? { result: 'resolves', requests: { GetCredentialsForIdentity: 1 }, session: 'renewed' }
    : { result: 'resolves', requests: { GetCredentialsForIdentity: 2 }, session: 'renewed' };

const sentAgain: CellExpectation = { result: 'resolves', requests: { GetCredentialsForIdentity: 2 }, session: 'renewed' };

function failed(result: CellExpectation['result'], column: Column): CellExpectation {
  // Refreshes retry a retryable error (once here: the fault hits one request); guest fetches and federations report it.
  if (column === 'refreshing' || column === 'restoring') return retried(column);
  return { result, requests: { GetCredentialsForIdentity: 1 }, session: 'kept' };
}

/** The expected outcome of every cell: the data both docs/reliability.md and the tests are made from. */
export const FAULT_MATRIX: Record<FaultKind, Record<Column, CellExpectation>> = {
  throttle: {
    guest: failed('TooManyRequestsException', 'guest'),
    federating: failed('TooManyRequestsException', 'federating'),
    refreshing: failed('TooManyRequestsException', 'refreshing'),
    restoring: failed('TooManyRequestsException', 'restoring'),
  },
  internal: {
    guest: failed('InternalErrorException', 'guest'),
    federating: failed('InternalErrorException', 'federating'),
    refreshing: failed('InternalErrorException', 'refreshing'),
    restoring: failed('InternalErrorException', 'restoring'),
  },
  // Sent once more at once, in every state: the connection was lost, not the call refused.
  drop: {
    guest: sentAgain,
    federating: sentAgain,
    refreshing: sentAgain,
    restoring: sentAgain,
  },
  latency: {
    guest: failed('NetworkError', 'guest'),
    federating: failed('NetworkError', 'federating'),
    refreshing: failed('NetworkError', 'refreshing'),
    restoring: failed('NetworkError', 'restoring'),
  },
  clockSkew: {
    guest: { result: 'resolves', requests: { GetCredentialsForIdentity: 1 }, session: 'renewed' },
    federating: { result: 'resolves', requests: { GetCredentialsForIdentity: 1 }, session: 'renewed' },
    refreshing: { result: 'resolves', requests: { GetCredentialsForIdentity: 1 }, session: 'renewed' },
    restoring: { result: 'resolves', requests: { GetCredentialsForIdentity: 1 }, session: 'renewed' },
  },
  notAuthorized: {
    guest: { result: 'NotAuthorizedException', requests: { GetCredentialsForIdentity: 1 }, session: 'kept' },
    federating: { result: 'NotAuthorizedException', requests: { GetCredentialsForIdentity: 1 }, session: 'kept' },
    refreshing: { result: 'NotAuthorizedException', requests: { GetCredentialsForIdentity: 1 }, session: 'kept' },
    restoring: { result: 'NotAuthorizedException', requests: { GetCredentialsForIdentity: 1 }, session: 'ended' },
  },
  resourceNotFound: {
    guest: { result: 'resolves', requests: { GetId: 1, GetCredentialsForIdentity: 2 }, session: 'new identity' },
    federating: { result: 'resolves', requests: { GetId: 1, GetCredentialsForIdentity: 2 }, session: 'renewed' },
    refreshing: { result: 'resolves', requests: { GetId: 1, GetCredentialsForIdentity: 2 }, session: 'renewed' },
    restoring: { result: 'resolves', requests: { GetId: 1, GetCredentialsForIdentity: 2 }, session: 'renewed' },
  },
};

function describeCell(cell: CellExpectation): string {
  const requests = Object.entries(cell.requests)
    .map(([operation, count]) => `${count} ${operation}`)
    .join(' + ');
  const result = cell.result === 'resolves' ? (cell.requests.GetCredentialsForIdentity > 1 && cell.requests.GetId === undefined ? 'retried, resolves' : 'resolves') : `rejects \`${cell.result}\``;
  const session = { kept: 'session kept', renewed: 'session renewed', 'new identity': 'new identity id', ended: 'signed out, `sessionExpired`' }[cell.session];
  return `${result}; ${session} (${requests})`;
}

/** The matrix as the Markdown table docs/reliability.md holds. */
export function renderFaultMatrix(): string {
  const header = `| fault | ${STATE_COLUMNS.map((column) => column.label).join(' | ')} |`;
  const rule = `| --- | ${STATE_COLUMNS.map(() => '---').join(' | ')} |`;
  const rows = FAULT_ROWS.map(({ fault, label }) => `| ${label} | ${STATE_COLUMNS.map(({ column }) => describeCell(FAULT_MATRIX[fault][column])).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}
