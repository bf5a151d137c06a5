import { AuthError } from '../src/errors/auth-error';
import { isInstanceOf } from '../src/errors/is-instance-of';
import type { ErrorSummary } from '../src/model/auth-events';
import type { HeldCredentials } from '../src/model/credentials';
import { toLocalTime } from '../src/model/server-time';
import type { SessionView } from '../src/model/session';
import type { AuthMachineContext } from './auth.context';

// What the machine hands to callers and events, read off its context.

/** The federation held, as `fetchAuthSession` callers receive it. */
export function federatedSession(context: AuthMachineContext): SessionView {
  const view: SessionView = { clockOffsetMs: context.clockOffsetMs };
  if (context.identityId !== undefined) view.identityId = context.identityId;
  if (context.credentials) view.credentials = context.credentials;
  if (context.login) view.federatedProvider = context.login.loginsKey;
  if (context.userPoolTokens) view.userPoolTokens = context.userPoolTokens;
  return view;
}

/** The guest identity and its credentials. */
export function guestSession(context: AuthMachineContext): SessionView {
  const view: SessionView = { clockOffsetMs: context.clockOffsetMs };
  if (context.guest.identityId !== undefined) view.identityId = context.guest.identityId;
  if (context.guest.credentials) view.credentials = context.guest.credentials;
  return view;
}

/** Signed out without guest credentials: at most the guest identity id. */
export function signedOutSession(context: AuthMachineContext): SessionView {
  const view: SessionView = { clockOffsetMs: context.clockOffsetMs };
  if (context.guest.identityId !== undefined) view.identityId = context.guest.identityId;
  return view;
}

/** Events report expirations on the local clock, the one their readers compare against. */
export function localExpiration(credentials: HeldCredentials | undefined, clockOffsetMs: number): number {
  return credentials ? toLocalTime(credentials.expiration, clockOffsetMs) : 0;
}

export function summarize(error: AuthError | undefined): ErrorSummary {
  return { name: error?.name ?? 'UnknownException', message: error?.message ?? 'Unknown error.' };
}

/** The error an invoked actor failed with (the engine's services reject with `AuthError`s only). */
export function errorOf(event: { type: string }): AuthError | undefined {
  return 'error' in event && isInstanceOf(event.error, AuthError) ? event.error : undefined;
}
