import type { CliCommand } from './cli-command';
import { localCommand } from './local-command';

/**
 * Every `idpool` command, in the order the help lists them.
 * Add new commands here (planned: `demo`, then `credentials`), each in its own `<name>-command.ts`.
 */
export const commands: readonly CliCommand[] = [localCommand];
