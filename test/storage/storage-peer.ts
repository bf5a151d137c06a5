import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { StorageChange } from '../../src/storage/key-value-storage';

const fixture = fileURLToPath(new URL('./fixtures/storage-peer.mjs', import.meta.url));

/** Bundles one adapter source file to plain ESM so worker threads and child processes can load it. */
export async function bundleAdapter(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [fileURLToPath(new URL(`../../${entry}`, import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  return outfile;
}

export interface StoragePeer {
  readonly changes: StorageChange[];
  call(op: 'get', key: string): Promise<string | null>;
  call(op: 'set', key: string, value: string): Promise<null>;
  call(op: 'remove' | 'release', key: string): Promise<null>;
  call(op: 'lease', key: string, ttlMs: number): Promise<boolean>;
  call(op: 'subscribe' | 'close'): Promise<null>;
  /** Resolves with the exit code once the thread or process ended by itself. */
  readonly exited: Promise<number | null>;
  kill(): Promise<void>;
}

/** Starts the adapter `factory(...args)` from `bundle` in a worker thread or a child process. */
export async function startStoragePeer(
  kind: 'thread' | 'process',
  bundle: string,
  factory: string,
  args: unknown[],
): Promise<StoragePeer> {
  const config = { bundle, factory, args };
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const changes: StorageChange[] = [];
  let nextId = 0;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const onMessage = (message: { ready?: true; id?: number; result?: unknown; error?: string; change?: StorageChange }) => {
    if (message.ready) markReady();
    else if (message.change) changes.push(message.change);
    else if (message.id !== undefined) {
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    }
  };

  let post: (message: unknown) => void;
  let exited: Promise<number | null>;
  let kill: () => Promise<void>;
  if (kind === 'thread') {
    const worker = new Worker(fixture, { workerData: config });
    worker.on('message', onMessage);
    worker.on('error', (error) => pending.forEach((w) => w.reject(error)));
    post = (message) => worker.postMessage(message);
    exited = new Promise((resolve) => worker.once('exit', resolve));
    kill = async () => void (await worker.terminate());
  } else {
    const child = fork(fixture, [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', onMessage);
    post = (message) => child.send(message as never);
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    kill = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill();
        await exited;
      }
    };
  }
  await ready;

  return {
    changes,
    exited,
    kill,
    call(op: string, key?: string, extra?: unknown) {
      nextId += 1;
      const id = nextId;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        post({ id, op, key, value: extra, ttlMs: extra });
      });
    },
  } as StoragePeer;
}
