import type { CliCommand } from './cli-command';
import { credentialsCommand } from './credentials-command';
import { demoCommand } from './demo-command';
import { localCommand } from './local-command';
import { loginCommand } from './login-command';
import { logoutCommand } from './logout-command';

/**
 * Every `idpool` command, in the order the help lists them.
 * Add new commands here, each in its own `<name>-command.ts`.
 */
export const commands: readonly CliCommand[] = [loginCommand, logoutCommand, credentialsCommand, localCommand, demoCommand];
