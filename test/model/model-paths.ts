import type { AnyStateMachine } from 'xstate';
import type { EngineStack } from '../support/engine-stack';
import type { AuthModel, ModelSnapshot } from './auth-model';
import { PathDriver } from './engine-driver';
import type { ModelEvent } from './model-config';
import { listTransitions, type TransitionInfo } from './transition-ids';

/** A path of the model: the events after the initial state, and the transitions each step took. */
export interface ModelPath {
  index: number;
  events: ModelEvent[];
  taken: string[][];
}

interface GeneratedPath {
  steps: Array<{ event: ModelEvent; state: ModelSnapshot }>;
}

function toModelPath(path: GeneratedPath, index: number): ModelPath {
  const steps = path.steps.slice(1); // the first step is xstate.init
  return { index, events: steps.map((step) => step.event), taken: steps.map((step) => step.state.step.taken) };
}

/** `TestModel.getShortestPaths`: one path to every vertex (state value × incoming transitions × what guards decide next). */
export function shortestPaths(model: AuthModel): ModelPath[] {
  return model.testModel.getShortestPaths().map(toModelPath);
}

/**
 * `TestModel.getSimplePaths` over the machine's state values: every path that visits no state
 * value twice. The graph keeps one snapshot per state value, so a path can join a state reached
 * with other context; only the paths the model replays event by event are kept (`replayable`).
 */
export function simplePaths(model: AuthModel): { all: number; replayable: ModelPath[] } {
  const generated = model.testModel.getSimplePaths({
    serializeState: (snapshot) => JSON.stringify(snapshot.machine.value),
    allowDuplicatePaths: true,
  });
  const maximal = dropPrefixes(generated.map((path) => path.steps.slice(1).map((step) => step.event)));
  const replayable: ModelPath[] = [];
  const initial = model.initial();
  for (const events of maximal) {
    // Steps are memoized per snapshot, so paths sharing a prefix replay it once.
    let snapshot = initial;
    const taken: string[][] = [];
    let ok = true;
    for (const event of events) {
      if (!model.offers(snapshot, event)) {
        ok = false;
        break;
      }
      snapshot = model.step(snapshot, event);
      taken.push(snapshot.step.taken);
    }
    if (ok) replayable.push({ index: replayable.length, events, taken });
  }
  return { all: maximal.length, replayable };
}

/** Keeps the event sequences that are not a prefix of another one. */
function dropPrefixes(sequences: ModelEvent[][]): ModelEvent[][] {
  const keyed = sequences.map((events) => ({ events, key: events.map((event) => JSON.stringify(event)) }));
  keyed.sort((a, b) => b.key.length - a.key.length);
  const prefixes = new Set<string>();
  const kept: ModelEvent[][] = [];
  for (const { events, key } of keyed) {
    const whole = key.join('\n');
    if (prefixes.has(whole)) continue;
    kept.push(events);
    for (let length = 0; length <= key.length; length++) prefixes.add(key.slice(0, length).join('\n'));
  }
  return kept;
}

/** Transitions of `machine` no path takes. */
export function uncoveredTransitions(machine: AnyStateMachine, paths: readonly ModelPath[]): { all: TransitionInfo[]; missing: TransitionInfo[] } {
  const covered = new Set(paths.flatMap((path) => path.taken.flat()));
  const all = listTransitions(machine);
  return { all, missing: all.filter((transition) => !covered.has(transition.id)) };
}

export interface WalkFailure {
  path: ModelPath;
  message: string;
}

/** Walks each path through a fresh engine on the shared local pool; collects failures instead of stopping. */
export async function walkPaths(stack: EngineStack, model: AuthModel, paths: readonly ModelPath[], label: string): Promise<WalkFailure[]> {
  const failures: WalkFailure[] = [];
  for (const path of paths) {
    const driver = new PathDriver(stack, model, path.events, `${label}-${path.index}`);
    try {
      await driver.start();
      for (let step = 1; step <= path.events.length; step++) await driver.step(step);
    } catch (error) {
      failures.push({ path, message: error instanceof Error ? error.message : String(error) });
    } finally {
      await driver.close();
    }
  }
  return failures;
}

export function describeEvent(event: ModelEvent): string {
  const type = event.type.replace(/^xstate\.(done|error)\.actor\.0\.auth\./, '$1:').replace(/^xstate\.after\.(\w+)\..*$/, 'after:$1');
  const detail = event.outcome ?? event.who ?? event.peer ?? event.to ?? (event.forceRefresh ? 'force' : undefined);
  return detail === undefined ? type : `${type}(${detail})`;
}

/** Failures grouped by message (step numbers and request ids left out), each with its shortest example. */
export function summarizeFailures(failures: readonly WalkFailure[]): string {
  const groups = new Map<string, WalkFailure[]>();
  for (const failure of failures) {
    const key = failure.message.replace(/^step \d+ /, '').replace(/call q\d+/g, 'call q…');
    groups.set(key, [...(groups.get(key) ?? []), failure]);
  }
  return [...groups]
    .sort((a, b) => b[1].length - a[1].length)
    .map(([message, group]) => {
      const example = group.reduce((a, b) => (a.path.events.length <= b.path.events.length ? a : b));
      const at = /^step (\d+)/.exec(example.message)?.[1];
      return `${group.length} path(s): ${message}\n    e.g. ${at ? `at step ${at} of` : 'on'}: ${example.path.events.map(describeEvent).join(' → ')}`;
    })
    .join('\n');
}
