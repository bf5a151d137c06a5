// Federates a token minted by the local OIDC issuer into the local identity pool, uses the
// credentials with an AWS SDK client (STS GetCallerIdentity), and clears the federation.
// Run: npx tsx examples/node/federate.ts   (no AWS account involved)
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { createAuth } from 'idpool';
import { startLocalIdentityPool, startLocalOidcIssuer } from 'idpool/local';

const issuer = await startLocalOidcIssuer();
const pool = await startLocalIdentityPool({
  providers: { [issuer.loginsKey]: { issuer: issuer.issuer, audience: issuer.audience } },
});
const auth = createAuth({ identityPoolId: pool.identityPoolId, endpoint: pool.endpoint });
// Events carry identity ids and expirations, never tokens or keys: safe to log.
auth.events$.subscribe((event) => console.log(`event: ${event.type}`));

try {
  const token = await issuer.mintToken({ sub: 'alice' });
  const { identityId } = await auth.federateToIdentityPool({ token, provider: issuer.loginsKey });
  console.log(`identity: ${identityId}`);

  const session = await auth.fetchAuthSession();
  console.log(`credentials expire: ${session.credentials?.expiration.toISOString()}`);

  // Any AWS SDK v3 client takes the engine as its credentials provider.
  const sts = new STSClient({ region: pool.region, endpoint: pool.endpoint, credentials: auth.awsCredentials });
  const caller = await sts.send(new GetCallerIdentityCommand({}));
  console.log(`caller: ${caller.Arn}`);

  await auth.clearFederationToIdentityPool();
  const after = await auth.fetchAuthSession();
  console.log(`after clear: ${after.credentials ? 'credentials' : 'no credentials'}`);
} finally {
  await auth.stop();
  await pool.close();
  await issuer.close();
}
