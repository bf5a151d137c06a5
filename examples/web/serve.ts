// The web demo on loopback: npm run demo:web [-- --port 5173 --ttl 60]
import { parseArgs } from 'node:util';
import { startWebDemo } from './demo-server';

const { values } = parseArgs({ options: { port: { type: 'string', default: '5173' }, ttl: { type: 'string', default: '60' } } });
const demo = await startWebDemo({ port: Number(values.port), credentialsTtlSeconds: Number(values.ttl) });
console.log(`idpool web demo: ${demo.url}
  identity pool  ${demo.pool.endpoint}
  OIDC issuer    ${demo.issuer.issuer} (any username signs in)
Ctrl+C to stop.`);
const stop = (): void => {
  demo.close().then(() => process.exit(0), () => process.exit(1));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
