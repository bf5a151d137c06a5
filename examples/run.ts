// One command per example: npm run example -- <name> [--port 8000]
//   browser examples (react, vue, svelte, rxjs, plain-dom): starts a local issuer and identity pool,
//   bundles and serves the example, prints its URL; web: the demo page (sign-in at the issuer);
//   node: runs the script (it starts its own pool) and exits. Ctrl+C stops a server.
import { parseArgs } from 'node:util';
import { examples } from './build';
import { startExample, type BrowserExample } from './serve-example';

const names = [...Object.keys(examples), 'web'];
const { values, positionals } = parseArgs({ options: { port: { type: 'string' } }, allowPositionals: true });
const [name] = positionals;
const port = values.port === undefined ? undefined : Number(values.port);

if (name === undefined || !names.includes(name) || (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536))) {
  console.error(`Usage: npm run example -- <${names.join('|')}> [--port <port>]`);
  process.exit(2);
}

/** Stops `close` on Ctrl+C or SIGTERM, then exits. */
function stopOnSignal(close: () => Promise<void>): void {
  const stop = (): void => {
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (name === 'node') {
  await import('./node/federate');
} else if (name === 'web') {
  const { startWebDemo } = await import('./web/demo-server');
  const demo = await startWebDemo({ port: port ?? 5173 });
  console.log(`examples/web: ${demo.url}
  identity pool  ${demo.pool.endpoint}
  OIDC issuer    ${demo.issuer.issuer} (any username signs in)
Ctrl+C to stop.`);
  stopOnSignal(demo.close);
} else {
  const example = await startExample(name as BrowserExample, { port: port ?? 8000 });
  console.log(`examples/${name}: ${example.url}
  identity pool  ${example.pool.endpoint}
  OIDC issuer    ${example.issuer.issuer}
Reload the page to rebuild; Ctrl+C to stop.`);
  stopOnSignal(example.close);
}
