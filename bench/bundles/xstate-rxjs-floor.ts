// The floor under idpool's bundle: what idpool imports from XState and RxJS (dist/index.js:
// fromPromise, setup, emit, assign, enqueueActions, createActor, waitFor; Subject,
// BehaviorSubject, distinctUntilChanged), used once each, and nothing of idpool's own.
import { BehaviorSubject, distinctUntilChanged, Subject } from 'rxjs';
import { assign, createActor, emit, enqueueActions, fromPromise, setup, waitFor } from 'xstate';

const machine = setup({
  actors: { load: fromPromise(async () => 1) },
}).createMachine({
  context: { n: 0 },
  initial: 'loading',
  states: {
    loading: { invoke: { src: 'load', onDone: { target: 'done', actions: [assign({ n: ({ event }) => event.output }), emit({ type: 'loaded' })] } } },
    done: { on: { AGAIN: { actions: enqueueActions(({ enqueue }) => enqueue.emit({ type: 'again' })) } } },
  },
});

export async function start(): Promise<number> {
  const actor = createActor(machine).start();
  const events = new Subject<string>();
  const states = new BehaviorSubject(0).pipe(distinctUntilChanged());
  states.subscribe(() => events.next('state'));
  const snapshot = await waitFor(actor, (s) => s.matches('done'));
  return snapshot.context.n;
}
