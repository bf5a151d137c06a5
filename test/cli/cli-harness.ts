import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../src/cli/cli-command';
import { commands } from '../../src/cli/commands';
import { runCli } from '../../src/cli/run-cli';

export const root = fileURLToPath(new URL('../..', import.meta.url));
/** `node <tsx> src/cli/idpool.ts`: the CLI as `npm start` and a credential_process run it. */
export const cliArgv = [process.execPath, fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url)), `${root}src/cli/idpool.ts`];

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `idpool …` in a child process, as a user would. */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  return spawnCommand([...cliArgv, ...args], env);
}

export function spawnCommand(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd = root): Promise<CliRun> {
  const [command, ...args] = argv as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `idpool …` in this process (same dispatcher and commands, no process start-up). */
export async function runCliInProcess(args: readonly string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    stopRequested: () => new Promise(() => undefined),
    selfCommand: cliArgv,
  };
  const code = await runCli(args, commands, io);
  return { code, stdout: out.map((line) => `${line}\n`).join(''), stderr: err.map((line) => `${line}\n`).join('') };
}
