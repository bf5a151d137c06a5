import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { repoRoot } from './idpool-entry';

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  node: string;
  platform: string;
  versions: Record<string, string>;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function versionOf(pkg: string): string {
  const json = JSON.parse(readFileSync(`${repoRoot}node_modules/${pkg}/package.json`, 'utf8')) as { version: string };
  return json.version;
}

/** What the figures ran on, and the versions of every contender. */
export function machineInfo(): MachineInfo {
  return {
    nproc: availableParallelism(),
    cpuModel: cpuModel(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    versions: {
      idpool: versionOf('../'),
      'aws-amplify': versionOf('aws-amplify'),
      '@aws-sdk/credential-providers': versionOf('@aws-sdk/credential-providers'),
      '@aws-sdk/client-cognito-identity': versionOf('@aws-sdk/client-cognito-identity'),
      esbuild: versionOf('esbuild'),
    },
  };
}
