import { NetworkError, UnknownException } from '../errors/error-classes';
import type { CognitoAnswer, CognitoOperation, CognitoTransport, InputOf, OutputOf } from './cognito-transport';
import { connectionLost } from './connection-lost';
import { redactedCause } from '../errors/redacted-cause';
import { toAuthError } from '../errors/to-auth-error';
import type { AuthClock } from '../model/clock';
import { isPlausibleOffset, offsetFromDateHeader, serverNow } from '../model/server-time';

export interface CallSettings {
  /** How the call reaches Cognito: over `fetch` by default, or through the app's own SDK client. */
  transport: CognitoTransport;
  now: () => number;
  /** Times `requestTimeoutMs`: the injected clock, so a test's simulated time decides when a call has taken too long. */
  clock: Pick<AuthClock, 'setTimeout' | 'clearTimeout'>;
  requestTimeoutMs: number;
}

export interface CommandResult<O extends CognitoOperation> {
  output: OutputOf<O>;
  /** Cognito's clock minus the local clock, when the response carried a `Date` header. */
  clockOffsetMs?: number;
  /** Cognito's time at the answer (or the local time, corrected by the offset). */
  serverNow: number;
}

/**
 * Sends one Cognito call (once more when its connection was lost): cancelled when `signal` aborts (the machine left the state),
 * failed with `NetworkError` after `requestTimeoutMs` on `settings.clock`, errors turned into `AuthError`s with
 * `secrets` scrubbed, and the server's clock read from the `Date` response header.
 */
export async function sendCommand<O extends CognitoOperation>(
  settings: CallSettings,
  operation: O,
  input: InputOf<O>,
  signal: AbortSignal,
  secrets: readonly string[],
): Promise<CommandResult<O>> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = settings.clock.setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, settings.requestTimeoutMs);
  let answer: CognitoAnswer<O>;
  try {
    const send = () => settings.transport.send(operation, input, { signal: controller.signal });
    // A connection lost under the call is tried once more (Node's fetch does not resend a POST,
    // browsers and the SDK's retries do): each of the three Cognito calls may be repeated.
    answer = await send().catch((error: unknown) => (controller.signal.aborted || !connectionLost(error) ? Promise.reject(error) : send()));
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
  const { output, serverDate } = answer;
  const localNow = settings.now();
  const clockOffsetMs = serverDate === undefined ? 0 : offsetFromDateHeader(serverDate, localNow);
  // Beyond what a stored record may hold: a hostile endpoint or a device clock set days wrong.
  // That offset is not trusted, nor ignored (expirations would be judged days off): the call fails.
  if (!isPlausibleOffset(clockOffsetMs)) {
    throw new UnknownException("Cognito's clock (its Date header) and the device's differ by more than a day.", {
      recoverySuggestion: "Set the device's clock right (automatic date and time) and check that the endpoint is Cognito, then try again.",
    });
  }
  return {
    output,
    ...(serverDate !== undefined ? { clockOffsetMs } : {}),
    serverNow: serverNow(localNow, clockOffsetMs),
  };
}
