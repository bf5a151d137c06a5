import type { AuthEvent } from 'idpool';

const time = (epochMs: number): string => new Date(epochMs).toLocaleTimeString();

/** What each event means, for a person; the event's own type is shown beside it. */
const MEANING: Readonly<Partial<Record<AuthEvent['type'], string>>> = {
  sessionRestored: 'Session restored from storage',
  sessionRestore_failure: 'Could not restore the session',
  sessionMigrated: 'Session moved to a new namespace',
  federatedToIdentityPool: 'Signed in',
  federationToIdentityPool_failure: 'Sign-in failed',
  credentialsRefreshed: 'New credentials',
  credentialsRefresh_failure: 'Renewing credentials failed',
  tokenRefresh: 'New sign-in token',
  tokenRefresh_failure: 'Renewing the sign-in token failed',
  federationToIdentityPoolCleared: 'Signed out',
  sessionExpired: 'Session expired',
  sessionStorage_failure: 'Storage failed',
};

/** What an event says, in a line; events never carry a token or secret, so all of it can be shown. */
function details(event: AuthEvent): string {
  const parts: string[] = [];
  if ('identityId' in event && event.identityId !== undefined) parts.push(event.identityId);
  if ('expiration' in event && event.expiration !== undefined) parts.push(`until ${time(event.expiration)}`);
  if ('error' in event) parts.push(`${event.error.name}: ${event.error.message}`);
  if ('willRetry' in event && event.willRetry) parts.push('will retry');
  return parts.join(' · ');
}

/**
 * Prepends one row per `auth.events$` event: time, what it means and the event's type on the first
 * line, its details (identity id, expiry, error) on their own line, so nothing overlaps at any width.
 */
export function appendEvent(log: HTMLOListElement, event: AuthEvent): void {
  const item = document.createElement('li');
  item.dataset.type = event.type;
  const when = document.createElement('time');
  when.textContent = time(Date.now());
  const meaning = document.createElement('strong');
  meaning.textContent = MEANING[event.type] ?? event.type;
  const type = document.createElement('code');
  type.textContent = event.type;
  item.append(when, meaning, type);
  const text = details(event);
  if (text !== '') {
    const span = document.createElement('span');
    span.className = 'details';
    span.textContent = text;
    item.append(span);
  }
  log.prepend(item);
}
