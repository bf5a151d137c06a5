// The examples build and do what they show: the framework bindings run against a real engine on the
// local pool, and the Node example runs end to end (STS included) as a child process. They type-check
// with the rest of the project (the root tsconfig includes examples/).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { firstValueFrom, toArray, type Observable } from 'rxjs';
import { get } from 'svelte/store';
import { createSSRApp, effectScope, nextTick } from 'vue';
import { renderToString as renderVueToString } from 'vue/server-renderer';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { AuthActivity } from '../../examples/rxjs/auth-activity';
import { examples, exampleBuildOptions, type ExampleName } from '../../examples/build';
import { App as ReactApp } from '../../examples/react/App';
import { authStateStore } from '../../examples/svelte/auth-store';
import { App as VueApp } from '../../examples/vue/App';
import { useAuth } from '../../examples/vue/use-auth';
import { startEngineStack, type EngineStack } from '../support/engine-stack';

const run = promisify(execFile);

describe('every example builds with esbuild', () => {
  it.each(Object.keys(examples) as ExampleName[])('%s', async (name) => {
    const result = await build({ ...exampleBuildOptions(name), write: false, logLevel: 'silent' });
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((warning) => warning.text)).toEqual([]);
    const [bundle] = result.outputFiles;
    expect(bundle?.text.length).toBeGreaterThan(1000);
  });
});

it('the Node example federates, calls STS through auth.awsCredentials and clears', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'idpool-node-example-'));
  try {
    const outfile = join(dir, 'federate.mjs');
    await build({ ...exampleBuildOptions('node'), outfile, logLevel: 'silent' });
    const { stdout } = await run(process.execPath, [outfile], { timeout: 100_000 }); // only a hang reaches it
    expect(stdout).toMatch(/^identity: us-east-1:[0-9a-f-]{36}$/m);
    expect(stdout).toMatch(/^caller: arn:aws:sts::000000000000:assumed-role\/\S+\/CognitoIdentityCredentials$/m);
    expect(stdout).toMatch(/^after clear: no credentials$/m);
    expect(stdout.match(/^event: \S+$/gm)).toEqual(['event: federatedToIdentityPool', 'event: federationToIdentityPoolCleared']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

describe('framework bindings against the local pool', () => {
  let stack: EngineStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  async function signedInEngine() {
    stack = await startEngineStack();
    const auth = stack.engine();
    const issuer = stack.issuer;
    const signIn = () => issuer.mintToken({ sub: 'alice' });
    return { auth, provider: issuer.loginsKey, signIn };
  }

  it('React: useSelector(auth.actor, …) renders the state and identity', async () => {
    const { auth, provider, signIn } = await signedInEngine();
    const render = () => renderToString(createElement(ReactApp, { auth, provider, signIn }));
    await auth.fetchAuthSession();
    // React SSR puts `<!-- -->` between adjacent text parts.
    expect(render()).toMatch(/data-testid="status">signedOut<.*Identity: (<!-- -->)?—.*>Sign in</s);
    const { identityId } = await auth.federateToIdentityPool({ token: await signIn(), provider });
    expect(render()).toMatch(new RegExp(`data-testid="status">federated<.*Identity: (<!-- -->)?${identityId}.*>Force refresh<.*>Clear<`, 's'));
  });

  it('Vue: the useAuth composable (@xstate/vue useSelector) follows the actor; the App renders it', async () => {
    const { auth, provider, signIn } = await signedInEngine();
    const scope = effectScope();
    const state = scope.run(() => useAuth(auth))!;
    try {
      await auth.fetchAuthSession();
      expect(state.status.value).toBe('signedOut');
      const federating = auth.federateToIdentityPool({ token: await signIn(), provider });
      await waitFor(auth.actor, (snapshot) => snapshot.matches('federating'));
      expect(state.busy.value).toBe(true);
      const { identityId } = await federating;
      await nextTick();
      expect([state.status.value, state.identityId.value, state.busy.value]).toEqual(['federated', identityId, false]);
      const html = await renderVueToString(createSSRApp(VueApp, { auth, provider, signIn }));
      expect(html).toMatch(new RegExp(`data-testid="status">federated<.*Identity: ${identityId}.*>Force refresh<`, 's'));
      await auth.clearFederationToIdentityPool();
      expect([state.status.value, state.identityId.value]).toEqual(['cleared', undefined]);
    } finally {
      scope.stop();
    }
  });

  it('Svelte: the auth.state$ store holds the current state', async () => {
    const { auth, provider, signIn } = await signedInEngine();
    const store = authStateStore(auth);
    const seen: string[] = [];
    const unsubscribe = store.subscribe((state) => seen.push(state.value));
    const { identityId } = await auth.federateToIdentityPool({ token: await signIn(), provider });
    expect(get(store)).toMatchObject({ value: 'federated', identityId, provider });
    expect(get(store).expiration).toBeGreaterThan(Date.now());
    unsubscribe();
    // The store starts from the engine's current state: still restoring, or already signed out.
    expect(seen.slice(-3)).toEqual(['signedOut', 'federating', 'federated']);
    expect(['restoring', 'signedOut']).toContain(seen[0]);
  });

  it('RxJS (Angular-style service): filter/map/scan over auth.events$', async () => {
    const { auth, provider, signIn } = await signedInEngine();
    const activity = new AuthActivity(auth, 2);
    const collect = <T>(source: Observable<T>): T[] => {
      const values: T[] = [];
      source.subscribe((value) => values.push(value));
      return values;
    };
    const signedIn = collect(activity.signedIn$);
    const feeds = collect(activity.feed$);
    const refreshes = firstValueFrom(activity.refreshes$.pipe(toArray()));
    const { identityId } = await auth.federateToIdentityPool({ token: await signIn(), provider });
    await auth.fetchAuthSession({ forceRefresh: true });
    await auth.clearFederationToIdentityPool();
    await auth.stop();
    expect(signedIn).toEqual([false, true, false]);
    expect((await refreshes).map((event) => event.identityId)).toEqual([identityId]);
    expect(feeds.at(-1)).toEqual([
      { type: 'credentialsRefreshed', text: expect.stringMatching(/^New credentials until \d{4}-/) },
      { type: 'federationToIdentityPoolCleared', text: 'Signed out' },
    ]);
    expect(feeds[0]).toEqual([{ type: 'federatedToIdentityPool', text: `Signed in as ${identityId} via ${provider}` }]);
  });
});
