import type { KeyValueStorage } from '../index';

/** The key of the sign-in in a session file (beside the engine's own record). */
export const LOGIN_KEY = 'idpool.cli.login';

/** What `idpool login` keeps: enough to renew the id token without the user. Secrets stay in this file. */
export interface LoginRecord {
  readonly version: 1;
  /** The issuer as its discovery document names it. */
  readonly issuer: string;
  readonly clientId: string;
  /** Confidential clients only: the token endpoint needs it for every refresh. */
  readonly clientSecret?: string;
  readonly scope: string;
  /** Absent when the provider gave none: the session then ends with the id token. */
  readonly refreshToken?: string;
  readonly idToken: string;
  /** Epoch ms, from the id token's `exp`. */
  readonly idTokenExpiresAt: number;
  /** `sub` of the id token: a refresh must keep it. */
  readonly subject: string;
  /** A name to show (`preferred_username`, `email` or `sub`); not a secret. */
  readonly displayName: string;
}

const isText = (value: unknown, max: number): value is string => typeof value === 'string' && value !== '' && value.length <= max;

/** The record if the text is one, whole; anything else (a hand-edited or truncated file) is no sign-in. */
export function parseLoginRecord(text: string | null): LoginRecord | undefined {
  if (text === null) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = new Map(Object.entries(value));
  const text8k = (name: string): boolean => isText(record.get(name), 8192);
  const optional = (name: string): boolean => !record.has(name) || text8k(name);
  const expiresAt = record.get('idTokenExpiresAt');
  const ok =
    record.get('version') === 1 &&
    ['issuer', 'clientId', 'scope', 'idToken', 'subject', 'displayName'].every(text8k) &&
    optional('clientSecret') &&
    optional('refreshToken') &&
    typeof expiresAt === 'number' &&
    Number.isFinite(expiresAt) &&
    URL.canParse(record.get('issuer') as string);
  return ok ? (value as LoginRecord) : undefined;
}

export async function readLoginRecord(storage: KeyValueStorage): Promise<LoginRecord | undefined> {
  return parseLoginRecord(await storage.getItem(LOGIN_KEY));
}

export async function writeLoginRecord(storage: KeyValueStorage, record: LoginRecord): Promise<void> {
  await storage.setItem(LOGIN_KEY, JSON.stringify(record));
}

/** The Logins key Cognito uses for an OIDC provider: the issuer URL without its scheme (and trailing `/`). */
export function loginsKeyOfIssuer(issuer: string): string {
  return issuer.replace(/^https?:\/\//, '').replace(/\/$/, '');
}
