import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FleetChildMessage, FleetParentMessage, FleetProcessConfig, FleetProcessResult } from './fleet-protocol';
import { repoRoot } from './idpool-entry';

/** A fleet process as the orchestrator drives it. */
export interface FleetChild {
  /** Resolves once every engine of the process holds credentials; rejects if it fails or exits first. */
  readonly ready: Promise<void>;
  /** Its share of the window; rejects if it fails or exits first. */
  readonly result: Promise<FleetProcessResult>;
  start(startAt: number, endAt: number): void;
  /** Asks it to exit; kills it (its own pid, nothing else) if it has not within a few seconds. */
  stop(): Promise<void>;
}

const EXIT_BOUND_MS = 10_000;

/** `promise`, or a rejection naming `what` after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: waited ${Math.round(ms / 1000)} s for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, bound]);
  } finally {
    clearTimeout(timer);
  }
}

function exitedWithin(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Spawns `bench/lib/fleet-process.ts` with an IPC channel. */
export function spawnFleetProcess(config: FleetProcessConfig): FleetChild {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench/lib/fleet-process.ts'), JSON.stringify(config)], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8_192);
  });
  const failure = (why: string): Error => new Error(`bench: fleet process ${config.index} ${why}${stderr ? `\n${stderr}` : ''}`);

  let onReady: () => void = () => undefined;
  let onResult: (result: FleetProcessResult) => void = () => undefined;
  let onFailure: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    onFailure = reject;
  });
  const result = new Promise<FleetProcessResult>((resolve, reject) => {
    onResult = resolve;
    const previous = onFailure;
    onFailure = (error) => {
      previous(error);
      reject(error);
    };
  });
  // Whoever awaits them sees the rejection; these keep an unawaited one from crashing the bench.
  ready.catch(() => undefined);
  result.catch(() => undefined);

  child.on('message', (message: FleetChildMessage) => {
    if (message.type === 'ready') onReady();
    else if (message.type === 'result') onResult(message.result);
    else if (message.type === 'error') onFailure(failure(`failed: ${message.message}`));
  });
  child.once('error', (error) => onFailure(failure(`could not run: ${error.message}`)));
  child.once('exit', (code, signal) => onFailure(failure(`exited (${signal ?? code})`)));

  const send = (message: FleetParentMessage): void => {
    if (child.connected) child.send(message);
  };
  return {
    ready,
    result,
    start: (startAt, endAt) => send({ type: 'start', startAt, endAt }),
    async stop() {
      send({ type: 'stop' });
      if (await exitedWithin(child, EXIT_BOUND_MS)) return;
      child.kill('SIGKILL');
      await exitedWithin(child, EXIT_BOUND_MS);
    },
  };
}
