// The smoke run as a script, for Node, Bun and Deno: the config is the first argument (JSON), the
// report one JSON line on stdout.
import { runSmoke, type SmokeConfig } from './run-smoke';

interface ServerRuntimes {
  Deno?: { args: string[]; version: { deno: string } };
  Bun?: { version: string };
  process?: { argv: string[]; versions: { node: string } };
}

const scope = globalThis as ServerRuntimes;
const args = scope.Deno?.args ?? scope.process?.argv.slice(2) ?? [];
const version = scope.Deno?.version.deno ?? scope.Bun?.version ?? scope.process?.versions.node ?? 'unknown';
const report = await runSmoke(JSON.parse(args[0] ?? '{}') as SmokeConfig);
console.log(JSON.stringify({ version, ...report }));
