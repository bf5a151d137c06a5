// Names a person reads next to the machine's own: the top-level states as what they mean for the
// user, the nested ones as words (`gettingCredentials` → "asking Cognito for credentials").

const TOP_LEVEL: Readonly<Record<string, string>> = {
  restoring: 'Restoring the session',
  signedOut: 'Signed out',
  federating: 'Signing in',
  federated: 'Signed in',
  refreshing: 'Renewing credentials',
  cleared: 'Signed out (cleared)',
};

const NESTED: Readonly<Record<string, string>> = {
  idle: 'ready',
  loadingTokens: 'reading the user-pool tokens',
  fetchingGuestCredentials: 'getting guest credentials',
  choosingIdentity: 'choosing the identity',
  gettingId: 'asking Cognito for an identity id',
  gettingCredentials: 'asking Cognito for credentials',
  fetchingCredentials: 'asking Cognito for credentials',
  guest: 'guest credentials',
  checkingUserPoolSession: 'checking the user-pool session',
  servingUserPoolSession: 'serving the user-pool session',
  checkingToken: 'checking the sign-in token',
  refreshingToken: 'renewing the sign-in token',
  tokenUnavailable: 'no sign-in token to renew',
  backingOff: 'waiting to retry',
  failed: 'failed',
};

/** What a state means, for a person; a state this page does not know reads as its words. */
export function humanStateName(key: string, nested: boolean): string {
  const names = nested ? NESTED : TOP_LEVEL;
  return (Object.hasOwn(names, key) ? names[key] : undefined) ?? key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
