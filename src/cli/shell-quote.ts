/** One argument for a POSIX shell or Python's `shlex.split` (how the AWS CLI splits `credential_process`). */
export function shellQuote(argument: string): string {
  if (argument !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(argument)) return argument;
  return `'${argument.replace(/'/g, `'"'"'`)}'`;
}

export const shellCommand = (argv: readonly string[]): string => argv.map(shellQuote).join(' ');
