/**
 * Where the browser examples find the local identity pool and OIDC issuer.
 * The defaults are those of `npm run local` (`idpool local`); a page can
 * override them with `?endpoint=…&identityPoolId=…&issuer=…`.
 */
export interface LocalPoolConfig {
  identityPoolId: string;
  endpoint: string;
  issuer: string;
}

export const defaultLocalPool: LocalPoolConfig = {
  identityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000',
  endpoint: 'http://127.0.0.1:4000',
  issuer: 'http://127.0.0.1:4010',
};

/** The defaults, overridden by the page's query string. */
export function localPoolFromQuery(search: string): LocalPoolConfig {
  const params = new URLSearchParams(search);
  return {
    identityPoolId: params.get('identityPoolId') ?? defaultLocalPool.identityPoolId,
    endpoint: params.get('endpoint') ?? defaultLocalPool.endpoint,
    issuer: params.get('issuer') ?? defaultLocalPool.issuer,
  };
}

/** The Logins key of an OIDC issuer: its URL without the scheme. */
export function loginsKeyOf(issuer: string): string {
  return new URL(issuer).host;
}

/**
 * An id token for `sub` from the local issuer's dev-only `/mint` route. A real app gets it
 * from its sign-in flow instead (see examples/web for the redirect flow).
 */
export async function mintLocalToken(issuer: string, sub: string): Promise<string> {
  const response = await fetch(`${issuer}/mint?sub=${encodeURIComponent(sub)}`);
  if (!response.ok) throw new Error(`The local issuer answered ${response.status}.`);
  const { id_token: idToken } = (await response.json()) as { id_token: string };
  return idToken;
}
