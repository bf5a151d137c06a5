// Every `aws …` command in docs/aws-setup.md is one the installed AWS CLI knows: `aws <service>
// <operation> help` exits 0, every option the guide passes is in the operation's synopsis, and every
// option the synopsis requires is passed. Help is read offline: a temp HOME, no AWS settings, a
// proxy that refuses every connection.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCommands, guideScripts, type AwsCommand } from './aws-setup-guide';

const run = promisify(execFile);
const AWS = process.env['AWS_CLI_PATH'] ?? '/usr/bin/aws';

let home: string | undefined;
let commands: AwsCommand[] = [];

beforeAll(async () => {
  if (!existsSync(AWS)) throw new Error(`The AWS CLI is not at ${AWS}: apt-get install -y awscli (.ci/run installs it), or set AWS_CLI_PATH.`);
  home = await mkdtemp(join(tmpdir(), 'idpool-aws-help-'));
  commands = (await guideScripts()).flatMap((script) => awsCommands(script.commands));
});

afterAll(async () => {
  if (home !== undefined) await rm(home, { recursive: true, force: true });
});

interface Synopsis {
  /** Every option the operation takes. */
  options: Set<string>;
  /** Lines of the synopsis outside `[…]`: one of each line's alternatives must be passed. */
  required: string[][];
}

/** `aws <service> <operation> help`, with its overstrike (bold as `x\bx`) removed, read into its synopsis. */
async function synopsis(service: string, operation: string): Promise<Synopsis> {
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home!,
    LANG: 'C.UTF-8',
    PAGER: 'cat',
    AWS_PAGER: '',
    AWS_CONFIG_FILE: join(home!, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home!, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    // Help needs no network; if anything tried, it would find this closed port.
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
  };
  const { stdout } = await run(AWS, [service, operation, 'help'], { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
  const text = stdout.replace(/.\x08/g, '');
  const start = text.indexOf('\nSYNOPSIS\n');
  const end = text.indexOf('\nOPTIONS\n', start);
  expect(start, `${service} ${operation}: no SYNOPSIS in its help`).toBeGreaterThan(0);
  const lines = text
    .slice(start + '\nSYNOPSIS\n'.length, end < 0 ? undefined : end)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('--') || line.startsWith('['));
  const optionsOf = (line: string): string[] => line.match(/--[a-z0-9-]+/g) ?? [];
  return {
    options: new Set(lines.flatMap(optionsOf)),
    required: lines.filter((line) => line.startsWith('--')).map(optionsOf),
  };
}

it('the guide has the commands it should', () => {
  const names = new Set(commands.map((command) => `${command.service} ${command.operation}`));
  for (const name of [
    'cloudformation deploy',
    'iam create-open-id-connect-provider',
    'cognito-identity create-identity-pool',
    'iam create-role',
    'iam put-role-policy',
    'cognito-identity set-identity-pool-roles',
  ]) {
    expect(names).toContain(name);
  }
});

describe('each command is valid for the installed AWS CLI', () => {
  it('every operation exists, with the options the guide passes and those it requires', async () => {
    const byOperation = new Map<string, AwsCommand[]>();
    for (const command of commands) {
      const key = `${command.service} ${command.operation}`;
      byOperation.set(key, [...(byOperation.get(key) ?? []), command]);
    }
    expect(byOperation.size).toBeGreaterThan(10);
    // Two at a time: each help is a Python start-up, and there are two cores.
    const queue = [...byOperation];
    const problems: string[] = [];
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const [key, uses] = next;
        const [service, operation] = key.split(' ') as [string, string];
        const { options, required } = await synopsis(service, operation);
        for (const use of uses) {
          for (const option of use.options) if (!options.has(option)) problems.push(`${key}: no option ${option} (in: ${use.text})`);
          if (use.options.includes('--cli-input-json') || use.options.includes('--cli-input-yaml')) continue;
          for (const alternatives of required) {
            if (!alternatives.some((option) => use.options.includes(option))) problems.push(`${key}: missing ${alternatives.join(' | ')} (in: ${use.text})`);
          }
        }
      }
    };
    await Promise.all([worker(), worker()]);
    expect(problems).toEqual([]);
  });

  it('an operation that does not exist fails its help (the check can fail)', async () => {
    await expect(synopsis('cognito-identity', 'create-identity-pools')).rejects.toThrow();
  });

  it('reads required options and alternatives from the synopsis', async () => {
    const { options, required } = await synopsis('cognito-identity', 'create-identity-pool');
    expect(options).toContain('--open-id-connect-provider-arns');
    expect(required).toContainEqual(['--identity-pool-name']);
    expect(required).toContainEqual(['--allow-unauthenticated-identities', '--no-allow-unauthenticated-identities']);
  });
});
