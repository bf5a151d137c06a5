import type { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { NetworkError, UnknownException } from '../errors/error-classes';
import { redactedCause } from '../errors/redacted-cause';
import { toAuthError } from '../errors/to-auth-error';
import type { AuthClock } from '../options';
import { MAX_CLOCK_OFFSET_MS } from '../session/session-record';

// The Date header has one-second resolution; smaller differences are noise, not skew.
const MIN_SKEW_MS = 2_000;

export interface CallSettings {
  client: CognitoIdentityClient;
  now: () => number;
  /** Times `requestTimeoutMs`: the injected clock, so a test's simulated time decides when a call has taken too long. */
  clock: Pick<AuthClock, 'setTimeout' | 'clearTimeout'>;
  requestTimeoutMs: number;
}

export interface CommandResult<T> {
  output: T;
  /** Cognito's clock minus the local clock, when the response carried a `Date` header. */
  clockOffsetMs?: number;
  /** Cognito's time at the answer (or the local time, corrected by the offset). */
  serverNow: number;
}

interface DateCapturingCommand {
  middlewareStack: {
    add(middleware: unknown, options: { step: 'deserialize'; name: string; override?: boolean }): void;
  };
}

/**
 * Sends one Cognito command: cancelled when `signal` aborts (the machine left the state),
 * failed with `NetworkError` after `requestTimeoutMs` on `settings.clock`, errors turned into `AuthError`s with
 * `secrets` scrubbed, and the server's clock read from the `Date` response header.
 */
export async function sendCommand<T>(
  settings: CallSettings,
  command: GetIdCommand | GetCredentialsForIdentityCommand,
  signal: AbortSignal,
  secrets: readonly string[],
): Promise<CommandResult<T>> {
  let serverDate: number | undefined;
  (command as unknown as DateCapturingCommand).middlewareStack.add(
    (next: (args: unknown) => Promise<{ response: { headers?: Record<string, string> } }>) => async (args: unknown) => {
      const result = await next(args);
      const header = result.response.headers?.['date'];
      const parsed = header ? Date.parse(header) : Number.NaN;
      if (Number.isFinite(parsed)) serverDate = parsed;
      return result;
    },
    { step: 'deserialize', name: 'idpoolServerClock', override: true },
  );

  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = settings.clock.setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, settings.requestTimeoutMs);
  let output: T;
  try {
    output = (await settings.client.send(command as GetIdCommand, { abortSignal: controller.signal })) as T;
  } catch (error) {
    if (timedOut) {
      throw new NetworkError(`Cognito did not answer within ${settings.requestTimeoutMs} ms.`, {
        cause: redactedCause(error, secrets),
        retryable: true,
        recoverySuggestion: 'Check the network connection and the Cognito endpoint, then try again.',
      });
    }
    throw toAuthError(error, secrets);
  } finally {
    settings.clock.clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
  const localNow = settings.now();
  // Midpoint of the header's second, so a whole-second header is not read as a skew.
  const offset = serverDate === undefined ? undefined : serverDate + 500 - localNow;
  const clockOffsetMs = offset !== undefined && Math.abs(offset) >= MIN_SKEW_MS ? offset : 0;
  // Beyond what a stored record may hold: a hostile endpoint or a device clock set days wrong.
  // That offset is not trusted, nor ignored (expirations would be judged days off): the call fails.
  if (Math.abs(clockOffsetMs) > MAX_CLOCK_OFFSET_MS) {
    throw new UnknownException("Cognito's clock (its Date header) and the device's differ by more than a day.", {
      recoverySuggestion: "Set the device's clock right (automatic date and time) and check that the endpoint is Cognito, then try again.",
    });
  }
  return {
    output,
    ...(serverDate !== undefined ? { clockOffsetMs } : {}),
    serverNow: localNow + clockOffsetMs,
  };
}
