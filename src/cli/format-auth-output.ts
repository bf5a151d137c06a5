import type { AuthEvent, AuthState } from '../index';

/** `23:40:12 UTC (in 20 s)`: an expiration people can read next to the clock. */
export function formatExpiration(epochMs: number, now = Date.now()): string {
  const seconds = Math.round((epochMs - now) / 1000);
  const relative = seconds >= 0 ? `in ${seconds} s` : `${-seconds} s ago`;
  return `${new Date(epochMs).toISOString().slice(11, 19)} UTC (${relative})`;
}

/** The fields states and events carry: identity ids, providers, expirations, error names. None is secret. */
function formatFields(fields: Record<string, unknown>, now: number): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    // `guest: false` is every federated session; only guest credentials are worth a word.
    if (value === undefined || (name === 'guest' && value === false)) continue;
    if (name === 'expiration' && typeof value === 'number') parts.push(`expires ${formatExpiration(value, now)}`);
    else if (name === 'identityId') parts.push(`identity ${String(value)}`);
    else if (name === 'error' && typeof value === 'object' && value !== null) {
      const { name: errorName, message } = value as { name?: unknown; message?: unknown };
      parts.push(`error ${String(errorName)}: ${String(message)}`);
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') parts.push(`${name} ${String(value)}`);
  }
  return parts.join(', ');
}

export function formatState(state: AuthState, now = Date.now()): string {
  const { value, ...fields } = state;
  const details = formatFields(fields, now);
  return `state  ${value}${details === '' ? '' : `  ${details}`}`;
}

export function formatEvent(event: AuthEvent, now = Date.now()): string {
  const { type, ...fields } = event;
  const details = formatFields(fields, now);
  return `event  ${type}${details === '' ? '' : `  ${details}`}`;
}
