import type { AuthEvent } from 'idpool';

const time = (epochMs: number): string => new Date(epochMs).toLocaleTimeString();

/** What an event says, in a line; events never carry a token or secret, so all of it can be shown. */
function details(event: AuthEvent): string {
  const parts: string[] = [];
  if ('identityId' in event && event.identityId !== undefined) parts.push(event.identityId);
  if ('expiration' in event && event.expiration !== undefined) parts.push(`until ${time(event.expiration)}`);
  if ('error' in event) parts.push(`${event.error.name}: ${event.error.message}`);
  if ('willRetry' in event && event.willRetry) parts.push('will retry');
  return parts.join(' · ');
}

/** Prepends one row per `auth.events$` event. */
export function appendEvent(log: HTMLOListElement, event: AuthEvent): void {
  const item = document.createElement('li');
  item.dataset.type = event.type;
  const when = document.createElement('time');
  when.textContent = time(Date.now());
  const type = document.createElement('strong');
  type.textContent = event.type;
  const text = document.createElement('span');
  text.textContent = details(event);
  item.append(when, type, text);
  log.prepend(item);
}
