import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { afterEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

const running: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function idpool(args: string[]) {
  const child = spawn(tsx, ['src/cli/idpool.ts', ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
  running.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    /** Resolves once stdout contains `text` (or rejects when the process exits first). */
    waitFor: (text: string) =>
      new Promise<string>((resolve, reject) => {
        const check = (): void => {
          if (stdout.includes(text)) resolve(stdout);
        };
        child.stdout.on('data', check);
        child.on('exit', () => reject(new Error(`exited before printing '${text}':\n${stdout}\n${stderr}`)));
        check();
      }),
  };
}

const field = (output: string, label: string): string => {
  const match = new RegExp(`^\\s+${label}\\s+(\\S+)`, 'm').exec(output);
  if (match === null) throw new Error(`no '${label}' in:\n${output}`);
  return match[1] as string;
};

describe('idpool local', () => {
  it('starts both servers on the ports it prints, serves a real flow, and stops cleanly on SIGTERM', async () => {
    const run = idpool(['local', '--pool-port', '0', '--issuer-port', '0', '--credentials-ttl', '900']);
    const output = await run.waitFor('Ctrl+C to stop.');
    const endpoint = field(output, 'Cognito endpoint');
    const poolId = field(output, 'Identity pool id');
    const issuer = field(output, 'OIDC issuer');
    const loginsKey = field(output, 'Logins key');
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(endpoint).not.toMatch(/:0$/);
    expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(output).toContain(`curl '${issuer}/mint?sub=alice'`);

    const { id_token } = (await (await fetch(`${issuer}/mint?sub=alice`)).json()) as { id_token: string };
    const cognito = new CognitoIdentityClient({ region: field(output, 'Region'), endpoint, maxAttempts: 1 });
    const Logins = { [loginsKey]: id_token };
    const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId: poolId, Logins }));
    const facebook = await cognito.send(
      new GetIdCommand({ IdentityPoolId: poolId, Logins: { 'graph.facebook.com': 'fb-1:token' } }),
    );
    expect(facebook.IdentityId).not.toBe(IdentityId);
    const { Credentials } = await cognito.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
    cognito.destroy();
    const ttl = (Credentials?.Expiration?.getTime() ?? 0) - Date.now();
    expect(ttl).toBeGreaterThan(800_000);
    expect(ttl).toBeLessThanOrEqual(900_000);

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output().stdout).toContain('idpool local: stopped (SIGTERM)');
    await expect(fetch(`${issuer}/.well-known/openid-configuration`)).rejects.toThrow();
  });

  it('prints help at top level and per command', async () => {
    const top = idpool(['--help']);
    expect(await top.exited).toBe(0);
    expect(top.output().stdout).toMatch(/Usage: idpool <command> \[options\][\s\S]*local\s+run a local Cognito/);
    const local = idpool(['local', '-h']);
    expect(await local.exited).toBe(0);
    expect(local.output().stdout).toContain('--allow-guests');
  });

  it('exits 2 on an unknown command or option', async () => {
    const unknown = idpool(['frobnicate']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.output().stderr).toContain("unknown command 'frobnicate'");
    const badFlag = idpool(['local', '--pool-port', 'abc']);
    expect(await badFlag.exited).toBe(2);
    expect(badFlag.output().stderr).toContain('--pool-port');
    const strange = idpool(['local', '--nope']);
    expect(await strange.exited).toBe(2);
  });
});
