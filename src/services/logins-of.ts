import type { Login } from '../model/login';

/** The `Logins` map Cognito takes, with the token revealed for the request only. */
export function loginsOf(login: Login): Record<string, string> {
  return { [login.loginsKey]: login.token.reveal() };
}
