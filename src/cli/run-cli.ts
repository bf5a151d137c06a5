import { USAGE_ERROR, type CliCommand, type CliIo } from './cli-command';
import { shellCommand } from './shell-quote';

function topLevelHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'Usage: idpool <command> [options]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    "Run 'idpool <command> --help' for the options of a command.",
    '',
    'Options:',
    '  --print-credential-process [command…]  print the absolute command that runs this idpool, with',
    '                                         the arguments after it, quoted for credential_process',
    '  -h, --help                             show this help',
    '',
    'Exit codes: 0 success, 1 error (named on stderr), 2 usage error,',
    "3 the session's sign-in is gone or cannot be renewed (run 'idpool login'), 130 interrupted.",
  ].join('\n');
}

/** Dispatches `idpool <command> [options]`; resolves with the process exit code. */
export async function runCli(argv: readonly string[], commands: readonly CliCommand[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h') {
    io.out(topLevelHelp(commands));
    return 0;
  }
  if (name === '--print-credential-process') {
    io.out(shellCommand([...io.selfCommand, ...args]));
    return 0;
  }
  if (name === undefined) {
    io.err(topLevelHelp(commands));
    return USAGE_ERROR;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    io.err(`idpool: unknown command '${name}'\n`);
    io.err(topLevelHelp(commands));
    return USAGE_ERROR;
  }
  return command.run(args, io);
}
