/** What the demo page reads from `./demo-config.json`, served beside it by demo-server.ts. */
export interface DemoConfig {
  identityPoolId: string;
  endpoint: string;
  /** The local OIDC issuer, where "Sign in" goes. */
  issuer: string;
  /** The `aud` the pool expects, sent as `client_id`. */
  clientId: string;
  /** Lifetime of the credentials the pool issues, for the countdown bar. */
  credentialsTtlSeconds: number;
}
