// `createAuth({ inspect })` with the Stately inspector's WebSocket adapter: a local WebSocket server
// plays the inspector and receives the machine's actors, events and snapshots, with no secret in them.
import type { AddressInfo } from 'node:net';
import { createWebSocketInspector } from '@statelyai/inspect';
import { WebSocketServer } from 'ws';
import { afterEach, expect, it } from 'vitest';
import { startEngineStack, type EngineStack } from '../support/engine-stack';
import { expectNoSecrets } from '../support/secret-scan';

interface Received {
  type: string;
  name?: string;
  sessionId?: string;
  snapshot?: { value?: unknown };
  event?: { type?: string };
}

let stack: EngineStack | undefined;
let server: WebSocketServer | undefined;
let stopInspector: (() => void) | undefined;

afterEach(async () => {
  stopInspector?.();
  await stack?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  for (const client of server?.clients ?? []) client.terminate();
});

const topLevel = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : value !== null && typeof value === 'object' ? Object.keys(value)[0] : undefined;

it('streams the auth machine to a WebSocket inspector, secrets redacted', async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server!.once('listening', () => resolve()));
  const raw: string[] = [];
  server.on('connection', (socket) => socket.on('message', (data) => raw.push(data.toString())));

  const inspector = createWebSocketInspector({ url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}` });
  stopInspector = () => inspector.stop();
  stack = await startEngineStack();
  const auth = stack.engine({ inspect: inspector.inspect });

  const token = await stack.issuer.mintToken({ sub: 'alice' });
  const federated = await auth.federateToIdentityPool({ token, provider: stack.issuer.loginsKey });
  const fetched = await auth.fetchAuthSession();
  const refreshed = await auth.fetchAuthSession({ forceRefresh: true });
  await auth.clearFederationToIdentityPool();

  const messages = (): Received[] => raw.map((message) => JSON.parse(message) as Received);
  const rootSessionId = (): string | undefined => messages().find((message) => message.type === '@xstate.actor' && message.name === 'auth')?.sessionId;
  const rootValues = (): Array<string | undefined> =>
    messages()
      .filter((message) => message.type === '@xstate.snapshot' && message.sessionId === rootSessionId())
      .map((message) => topLevel(message.snapshot?.value));
  // The inspector sends from an idle callback over a socket: wait for the last snapshot to arrive.
  await expect.poll(() => rootValues().at(-1), { timeout: 10_000 }).toBe('cleared');

  expect(rootSessionId()).toBeDefined();
  expect(rootValues()).toEqual(expect.arrayContaining(['restoring', 'signedOut', 'federating', 'federated', 'refreshing', 'cleared']));
  const eventTypes = messages().filter((message) => message.type === '@xstate.event').map((message) => message.event?.type);
  expect(eventTypes).toEqual(expect.arrayContaining(['FEDERATE', 'FETCH', 'CLEAR']));
  // The sealed values did travel to the inspector, as placeholders.
  expect(raw.join('\n')).toContain('[redacted]');

  const secrets = [token, federated.credentials, fetched.credentials, refreshed.credentials].flatMap((value) =>
    typeof value === 'string' ? [value] : value ? [value.secretAccessKey, value.sessionToken] : [],
  );
  expect(new Set(secrets).size).toBe(5); // the token, and two distinct pairs of credentials
  expectNoSecrets({ 'inspector messages': raw.join('\n') }, secrets);
});
