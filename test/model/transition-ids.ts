import type { AnyStateMachine, AnyStateNode } from 'xstate';

/** One transition of a machine definition: state node × event × guard branch. */
export interface TransitionInfo {
  /** `<state node id> | <event type or "always"> | <branch index>` — stable across `machine.provide(...)`. */
  id: string;
  source: string;
  event: string;
  branch: number;
  guard: string;
  target: string;
}

interface TransitionLike {
  source: AnyStateNode;
  eventType: string;
  guard?: unknown;
  target?: readonly AnyStateNode[] | undefined;
}

function guardName(guard: unknown): string {
  if (guard === undefined) return '';
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && guard !== null && 'type' in guard) return String((guard as { type: unknown }).type);
  return 'inline';
}

function describe(transition: TransitionLike, event: string, branch: number): TransitionInfo {
  return {
    id: `${transition.source.id} | ${event} | ${branch}`,
    source: transition.source.id,
    event,
    branch,
    guard: guardName(transition.guard),
    target: (transition.target ?? []).map((node) => node.id).join(',') || '(stays)',
  };
}

/**
 * Every transition of the machine, walking `machine.root`: each state node's `transitions`
 * map (events, `after` timers, invoke `onDone`/`onError`) and its `always` list, one entry per
 * guard branch.
 */
export function listTransitions(machine: AnyStateMachine): TransitionInfo[] {
  const found: TransitionInfo[] = [];
  const visit = (node: AnyStateNode): void => {
    for (const [event, branches] of node.transitions) {
      branches.forEach((transition, branch) => found.push(describe(transition as TransitionLike, event, branch)));
    }
    (node.always ?? []).forEach((transition, branch) => found.push(describe(transition as TransitionLike, 'always', branch)));
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  return found;
}

/** The id of a transition definition a machine took (as reported in a microstep). */
export function transitionId(transition: TransitionLike): string {
  const source = transition.source;
  const always = source.always ?? [];
  const alwaysIndex = always.indexOf(transition as never);
  if (alwaysIndex >= 0) return `${source.id} | always | ${alwaysIndex}`;
  const branches = source.transitions.get(transition.eventType) ?? [];
  const index = branches.indexOf(transition as never);
  if (index < 0) throw new Error(`transition ${transition.eventType} is not in ${source.id}'s definition`);
  return `${source.id} | ${transition.eventType} | ${index}`;
}
