import { fork } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { bundleAdapter } from '../storage/storage-peer';

const fixture = fileURLToPath(new URL('./fixtures/engine-peer.mjs', import.meta.url));
const cacheDir = fileURLToPath(new URL('../../node_modules/.cache/idpool-tests/', import.meta.url));

/** Bundles the engine and the Node storage adapters to plain ESM (dependencies stay in node_modules). */
export async function bundleEngine(): Promise<string> {
  await mkdir(cacheDir, { recursive: true });
  return bundleAdapter('test/sessions/fixtures/engine-peer-entry.ts', `${cacheDir}engine-peer-${process.pid}.mjs`);
}

export interface PeerConfig {
  bundle: string;
  identityPoolId: string;
  endpoint: string;
  storage: { kind: 'file'; path: string } | { kind: 'redis'; url: string; prefix: string };
  options?: Record<string, unknown>;
}

/** An engine running in another thread or process, and the states it went through. */
export interface EnginePeer {
  readonly states: string[];
  call<T = unknown>(op: 'federate' | 'fetch' | 'clear' | 'state' | 'events' | 'stop', args?: unknown): Promise<T>;
  /** Resolves once the peer's state$ has reported `value`. */
  until(value: string, timeoutMs?: number): Promise<void>;
  readonly exited: Promise<number | null>;
  kill(): void;
}

interface PeerMessage {
  ready?: boolean;
  state?: string;
  id?: number;
  result?: unknown;
  error?: string;
}

export async function startEnginePeer(kind: 'thread' | 'process', config: PeerConfig): Promise<EnginePeer> {
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const worker = kind === 'thread' ? new Worker(fixture, { workerData: config, env }) : undefined;
  const child = kind === 'process' ? fork(fixture, [JSON.stringify(config)], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }) : undefined;
  const post = (message: unknown) => (worker ? worker.postMessage(message) : child!.send(message as never));
  const on = (handler: (message: PeerMessage) => void): void => {
    if (worker) worker.on('message', handler);
    else child!.on('message', (message) => handler(message as PeerMessage));
  };
  const states: string[] = [];
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const watchers = new Set<() => void>();
  let nextId = 1;
  const ready = new Promise<void>((resolve, reject) => {
    on((message) => {
      if (message.ready) resolve();
      if (message.state !== undefined) {
        states.push(message.state);
        for (const watcher of watchers) watcher();
      }
      if (message.id !== undefined) {
        const call = pending.get(message.id);
        pending.delete(message.id);
        if (message.error !== undefined) call?.reject(new Error(message.error));
        else call?.resolve(message.result);
      }
    });
    (worker ?? child!).once('error', reject);
  });
  const exited = new Promise<number | null>((resolve) => (worker ? worker.once('exit', resolve) : child!.once('exit', resolve)));
  await ready;
  return {
    states,
    call: (op, args) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        post({ id, op, args });
      }),
    until: (value, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        if (states.at(-1) === value) return resolve();
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`peer did not reach "${value}" (states: ${states.join(' → ')})`));
        }, timeoutMs);
        const check = () => {
          if (states.at(-1) !== value) return;
          clearTimeout(timer);
          watchers.delete(check);
          resolve();
        };
        watchers.add(check);
      }),
    exited,
    kill: () => {
      void worker?.terminate();
      child?.kill('SIGKILL');
    },
  };
}
