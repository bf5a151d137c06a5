/** Where a command writes and how it learns it should stop. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); long-running commands await it. */
  readonly stopRequested: () => Promise<string>;
  /** The absolute command that runs this `idpool` (node, its loader flags, the script), for `credential_process` lines. */
  readonly selfCommand: readonly string[];
}

/** One `idpool <command>`: its name, a one-line summary for the top-level help, its own help, and its body. */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  /** Runs with the arguments after the command name; resolves with the exit code. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Exit code for a usage error (unknown command or option, a malformed value). */
export const USAGE_ERROR = 2;

/** Exit code when a session's sign-in is gone or cannot be renewed: the user must run `idpool login`. */
export const LOGIN_REQUIRED = 3;
