import { spawn } from 'node:child_process';

/** The system's "open this URL" program, or undefined where idpool knows none. */
function systemOpener(): readonly string[] | undefined {
  if (process.platform === 'darwin') return ['open'];
  if (process.platform === 'win32') return ['rundll32', 'url.dll,FileProtocolHandler'];
  if (process.platform === 'linux' || process.platform.endsWith('bsd')) return ['xdg-open'];
  return undefined;
}

/**
 * Opens `url` with `program` (`--browser` or `$IDPOOL_BROWSER`: a program run with the URL as its one
 * argument, never through a shell) or the system's opener. Resolves whether a program started; the
 * caller prints the URL either way, so a missing opener only costs a click.
 */
export function openBrowser(url: string, program: string | undefined): Promise<boolean> {
  const command = program !== undefined && program !== '' ? [program] : systemOpener();
  if (command === undefined) return Promise.resolve(false);
  const [file, ...args] = command as [string, ...string[]];
  return new Promise((resolve) => {
    const child = spawn(file, [...args, url], { detached: true, stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}
