// Exit codes exactly as the help texts say (usage errors exit 2, before any network call), and the
// absolute command `--print-credential-process` prints: it splits as the AWS CLI splits it and runs
// from any directory.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliArgv, runCliInProcess, spawnCommand } from './cli-harness';

let elsewhere: string;
beforeAll(async () => {
  elsewhere = await mkdtemp(join(tmpdir(), 'idpool-elsewhere-'));
});
afterAll(async () => {
  await rm(elsewhere, { recursive: true, force: true });
});

const POOL = 'us-east-1:00000000-0000-4000-8000-000000000000';

describe('usage errors exit 2, with the reason and a pointer to --help', () => {
  it.each([
    [[]],
    [['bogus']],
    [['login']],
    [['login', '--issuer', 'https://idp.example']],
    [['login', '--issuer', 'http://idp.example', '--client-id', 'c']],
    [['login', '--issuer', 'not a url', '--client-id', 'c']],
    [['login', '--issuer', 'https://user:pw@idp.example', '--client-id', 'c']],
    [['login', '--issuer', 'https://idp.example', '--client-id', 'c', '--session', '../x']],
    [['login', '--issuer', 'https://idp.example', '--client-id', 'c', '--device', '--port', '8080']],
    [['login', '--issuer', 'https://idp.example', '--client-id', 'c', '--timeout', '0']],
    [['login', '--issuer', 'https://idp.example', '--client-id', 'c', '--browser', 'x', '--no-browser']],
    [['login', '--issuer', 'https://idp.example', '--client-id', 'c', '--scope', 'a"b']],
    [['login', '--issuer', 'https://idp.example', '--client-id', 'c', '--wat']],
    [['login', '--issuer', 'https://idp.example', '--client-id', 'c', '--auth-param', 'state=mine']],
    [['login', '--issuer', 'https://idp.example', '--client-id', 'c', '--auth-param', 'code_challenge=x']],
    [['login', '--issuer', 'https://idp.example', '--client-id', 'c', '--auth-param', 'novalue']],
    [['logout', '--session', 'a.b']],
    [['logout', 'stray']],
    [['credentials', '--identity-pool-id', 'nope', '--session', 'default']],
    [['credentials', '--identity-pool-id', POOL, '--endpoint', 'ftp://127.0.0.1:1', '--session', 'default']],
    [['credentials', '--identity-pool-id', POOL, '--session', 'default', '--developer-identity-id', 'x']],
    [['local', '--pool-port', '70000']],
    [['demo', '--credentials-ttl', '0']],
  ])('idpool %j', async (args) => {
    const run = await runCliInProcess(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.length).toBeGreaterThan(0);
  });

  it('an unreadable --client-secret file is a file error (1), like an unreadable --login file', async () => {
    const run = await runCliInProcess(['login', '--issuer', 'https://idp.example', '--client-id', 'c', '--client-secret', '@/nonexistent/secret']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot read the client secret file '\/nonexistent\/secret' \(ENOENT\)/);
  });

  it('every help text states the exit codes, and --help itself exits 0', async () => {
    for (const args of [['--help'], ['login', '--help'], ['logout', '--help'], ['credentials', '--help'], ['local', '--help'], ['demo', '--help']]) {
      const run = await runCliInProcess(args);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Exit codes: 0 .*2 usage error/s);
    }
    const top = await runCliInProcess(['--help']);
    for (const command of ['login', 'logout', 'credentials', 'local', 'demo', '--print-credential-process']) expect(top.stdout).toContain(command);
  });
});

describe('idpool --print-credential-process', () => {
  it('prints an absolute command that the AWS CLI splits back into the same arguments, and that runs from anywhere', async () => {
    const args = ['credentials', '--session', 'work', '--identity-pool-id', POOL, '--endpoint', "http://127.0.0.1:4000/it's here"];
    const printed = await runCliInProcess(['--print-credential-process', ...args]);
    expect(printed.code).toBe(0);
    const line = printed.stdout.trim();
    // botocore splits credential_process with shlex.split (POSIX mode).
    const split = spawnSync('python3', ['-c', 'import json, shlex, sys; print(json.dumps(shlex.split(sys.argv[1])))', line], { encoding: 'utf8' });
    expect(split.status, split.stderr).toBe(0);
    const argv = JSON.parse(split.stdout) as string[];
    expect(argv).toEqual([...cliArgv, ...args]);
    expect(argv.every((part, index) => index > 0 || part.startsWith('/'))).toBe(true);

    const [node, ...rest] = argv.slice(0, cliArgv.length);
    const help = await spawnCommand([node as string, ...rest, 'credentials', '--help'], { PATH: '/usr/bin:/bin', HOME: elsewhere }, elsewhere);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('credential_process');
  });

  it('from the real entry point: node, its loader flags and the script, all absolute', async () => {
    const run = await spawnCommand([...cliArgv, '--print-credential-process'], { PATH: '/usr/bin:/bin', HOME: elsewhere }, elsewhere);
    expect(run.code, run.stderr).toBe(0);
    const printed = run.stdout.trim().split(' ');
    expect(printed[0]).toBe(process.execPath);
    expect(printed.at(-1)).toMatch(/^\/.*\/src\/cli\/idpool\.ts$/);
    const version = await spawnCommand([...printed, '--help'], { PATH: '/usr/bin:/bin', HOME: elsewhere }, elsewhere);
    expect(version.code, version.stderr).toBe(0);
  });
});
