import { resolve as resolvePath } from 'node:path';
import type { CliIo } from './cli-command';
import { commands } from './commands';
import { runCli } from './run-cli';

// The AWS SDK warns on Node < 22 when a client is created; it is noise in a CLI's output.
// Set before any client exists (the SDK reads it at construction); the library leaves it alone.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

// How to run this very idpool again from anywhere: node, its loader flags (tsx in development), the
// script by absolute path. Debugger flags are left out; they would stop every credential_process.
const selfCommand = [
  process.execPath,
  ...process.execArgv.filter((flag) => !/^--(inspect|debug)/.test(flag)),
  resolvePath(process.argv[1] ?? 'idpool'),
];

const io: CliIo = {
  selfCommand,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stopRequested: () =>
    new Promise((resolve) => {
      const stop = (signal: NodeJS.Signals): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve(signal);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    }),
};

runCli(process.argv.slice(2), commands, io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`idpool: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
