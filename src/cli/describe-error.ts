import { AuthError } from '../index';

/**
 * One or two lines for stderr: `Name: message`, plus idpool's recovery suggestion.
 * The cause is left out on purpose: messages are secret-free, SDK causes may not be.
 */
export function describeError(error: unknown): string {
  if (error instanceof AuthError) return `${error.name}: ${error.message}\n  ${error.recoverySuggestion}`;
  if (error instanceof Error) return error.name === 'Error' ? error.message : `${error.name}: ${error.message}`;
  return String(error);
}
