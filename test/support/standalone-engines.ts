import { afterEach } from 'vitest';
import { createAuth, type Auth, type AuthOptions } from '../../src/index';

/** A well-formed pool id for engines that never reach a pool (a credentials provider, or nothing). */
export const STANDALONE_POOL_ID = 'us-east-1:00000000-0000-4000-8000-000000000000';

/**
 * Registers an `afterEach` that stops every engine the returned factory made during the test,
 * so a failing test leaves no timers running into the next one.
 */
export function standaloneEngines(): (options: Partial<AuthOptions>) => Auth {
  const engines: Auth[] = [];
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((auth) => auth.stop()));
  });
  return (options) => {
    const auth = createAuth({ identityPoolId: STANDALONE_POOL_ID, ...options });
    engines.push(auth);
    return auth;
  };
}
