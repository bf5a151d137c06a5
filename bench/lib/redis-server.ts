import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A redis-server of its own on loopback, in a temp dir, without persistence (the bench and the Redis tests). */
export interface BenchRedisServer {
  readonly url: string;
  readonly port: number;
  /** SIGTERM, then SIGKILL if it has not exited within a few seconds; removes its temp dir. */
  stop(): Promise<void>;
}

const REDIS_SERVER = '/usr/bin/redis-server';
const START_BOUND_MS = 10_000;
const STOP_BOUND_MS = 5_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves once the child has exited, or after `boundMs` (then `false`). */
function exitWithin(child: ChildProcess, boundMs: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), boundMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  child.kill('SIGTERM');
  if (await exitWithin(child, STOP_BOUND_MS)) return;
  child.kill('SIGKILL');
  await exitWithin(child, STOP_BOUND_MS);
}

/** Waits for "Ready to accept connections"; `false` if it exits or the bound passes first. */
function ready(child: ChildProcess): Promise<boolean> {
  return new Promise((resolve) => {
    let output = '';
    const timer = setTimeout(() => resolve(false), START_BOUND_MS);
    const onData = (chunk: Buffer): void => {
      // Only the tail matters; keeps a chatty server from growing the buffer.
      output = (output + chunk.toString()).slice(-4096);
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/**
 * Debian's redis-server on a free loopback port (`--save '' --appendonly no`, working dir a
 * fresh temp dir), resolved once it accepts connections. Retries on another port if the probed
 * one was taken in between; throws, with nothing left running, if it cannot start.
 */
export async function startBenchRedisServer(): Promise<BenchRedisServer> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'idpool-bench-redis-'));
    const port = await freePort();
    const child = spawn(
      REDIS_SERVER,
      ['--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes', '--dir', dir, '--save', '', '--appendonly', 'no', '--loglevel', 'notice'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve));
    const outcome = await Promise.race([ready(child), spawnFailed]);
    if (outcome === true) {
      // Keep draining its output so a full pipe never blocks it.
      child.stdout?.resume();
      child.stderr?.resume();
      // A bench that dies without stopping it (an uncaught error, process.exit) leaves no server behind.
      const onExit = (): void => {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      };
      process.once('exit', onExit);
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        async stop() {
          process.off('exit', onExit);
          try {
            await stopChild(child);
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      };
    }
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
    if (outcome instanceof Error) throw new Error(`bench: cannot run ${REDIS_SERVER} (apt-get install -y redis-server): ${outcome.message}`);
  }
  throw new Error('bench: redis-server did not start on a free loopback port');
}
