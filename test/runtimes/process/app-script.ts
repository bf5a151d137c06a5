// A Node app as users write it, for the process tests: it federates a token from the local issuer
// and then, by mode, ends without auth.stop() ('no-stop'), lives until one refresh has happened and
// then ends ('refresh-then-end'), or does the same as 'no-stop' with its own Cognito client
// ('own-client'). The config is the first argument (JSON); it prints one line per milestone.
import { createAuth, createSdkTransport } from 'idpool';

interface AppConfig {
  mode: 'no-stop' | 'refresh-then-end' | 'own-client';
  identityPoolId: string;
  endpoint: string;
  issuer: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as AppConfig;
const response = await fetch(`${config.issuer}/mint?sub=process-test`);
const { id_token: token } = (await response.json()) as { id_token: string };
// Only this mode loads the AWS SDK: the app brings its own client.
const client = config.mode === 'own-client' ? new (await import('@aws-sdk/client-cognito-identity')).CognitoIdentityClient({ region: 'us-east-1', endpoint: config.endpoint }) : undefined;
const auth = createAuth({
  identityPoolId: config.identityPoolId,
  endpoint: config.endpoint,
  ...(client === undefined ? {} : { transport: createSdkTransport(client) }),
});

if (config.mode === 'refresh-then-end') {
  // What keeps a server alive (a listening socket, here an interval) until the refresh has happened.
  const alive = setInterval(() => {}, 1000);
  auth.events$.subscribe((event) => {
    if (event.type !== 'credentialsRefreshed') return;
    console.log('refreshed');
    clearInterval(alive);
  });
}

await auth.federateToIdentityPool({ token, provider: new URL(config.issuer).host });
await auth.fetchAuthSession();
console.log('federated');
// No auth.stop(): the process should end once nothing but idpool's refresh timer is left.
