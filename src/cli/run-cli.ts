import { USAGE_ERROR, type CliCommand, type CliIo } from './cli-command';

function topLevelHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'Usage: idpool <command> [options]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    "Run 'idpool <command> --help' for the options of a command.",
  ].join('\n');
}

/** Dispatches `idpool <command> [options]`; resolves with the process exit code. */
export async function runCli(argv: readonly string[], commands: readonly CliCommand[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h') {
    io.out(topLevelHelp(commands));
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
