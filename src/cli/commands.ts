import type { CliCommand } from './cli-command';
import { credentialsCommand } from './credentials-command';
import { demoCommand } from './demo-command';
import { localCommand } from './local-command';

/**
 * Every `idpool` command, in the order the help lists them.
 * Add new commands here, each in its own `<name>-command.ts`.
 */
export const commands: readonly CliCommand[] = [localCommand, demoCommand, credentialsCommand];
