import type { AnyStateMachine } from 'xstate';

/** A transition that changes state, as a diagram shows it. */
export interface DiagramTransition {
  /** Dotted path of the state it leaves (`''` for the machine itself: "from any state"). */
  source: string;
  /** Dotted paths of the states it enters. */
  targets: string[];
  /** What triggers it: an event name, `after <delay>`, `done <actor>`, `error <actor>` or `always`. */
  trigger: string;
  guard?: string;
  reenter: boolean;
}

/** A state node of the chart, children in definition order. */
export interface DiagramState {
  /** Dotted path without the machine id, e.g. `federated.idle`. */
  path: string;
  key: string;
  /** Key of the initial child, for compound states. */
  initial?: string;
  /** Sources of the actors it invokes. */
  invokes: string[];
  children: DiagramState[];
}

export interface MachineGraph {
  id: string;
  /** Key of the initial top-level state. */
  initial?: string;
  states: DiagramState[];
  transitions: DiagramTransition[];
}

// The parts of XState's StateNode the walk reads (all public members of the class).
interface TransitionNode {
  target?: ReadonlyArray<{ id: string }>;
  guard?: unknown;
  reenter?: boolean;
}
interface WalkNode {
  id: string;
  key: string;
  path: string[];
  states: Record<string, WalkNode>;
  initial?: { target: ReadonlyArray<{ key: string }> };
  invoke: ReadonlyArray<{ id: string; src: unknown }>;
  after: ReadonlyArray<{ eventType: string; delay: unknown }>;
  always?: ReadonlyArray<TransitionNode>;
  transitions: ReadonlyMap<string, ReadonlyArray<TransitionNode>>;
}

function guardName(guard: unknown): string | undefined {
  if (guard === undefined) return undefined;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') return guard.name || 'inline guard';
  if (typeof guard === 'object' && guard !== null && 'type' in guard) return String(guard.type);
  return 'guard';
}

function actorName(src: unknown): string {
  if (typeof src === 'string') return src;
  if (typeof src === 'object' && src !== null && 'id' in src) return String(src.id);
  return 'inline actor';
}

function delayName(delay: unknown): string {
  return typeof delay === 'number' ? `${delay}ms` : String(delay);
}

function triggerOf(node: WalkNode, eventType: string): string {
  const invoked = (prefix: string, word: string): string | undefined => {
    if (!eventType.startsWith(prefix)) return undefined;
    const invoke = node.invoke.find((candidate) => candidate.id === eventType.slice(prefix.length));
    return `${word} ${invoke ? actorName(invoke.src) : eventType.slice(prefix.length)}`;
  };
  const after = node.after.find((candidate) => candidate.eventType === eventType);
  if (after) return `after ${delayName(after.delay)}`;
  return invoked('xstate.done.actor.', 'done') ?? invoked('xstate.error.actor.', 'error') ?? eventType;
}

/**
 * Reads a machine's chart from its definition (`machine.root`): states, the transitions that
 * change state with their triggers and guards, invoked actors. Transitions without a target
 * (actions only) are left out: they do not move the chart.
 */
export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const root = machine.root as unknown as WalkNode;
  const prefix = `${root.id}.`;
  const pathOf = (id: string): string => (id.startsWith(prefix) ? id.slice(prefix.length) : id);
  const transitions: DiagramTransition[] = [];

  const collect = (node: WalkNode, source: string, trigger: string, list: ReadonlyArray<TransitionNode>): void => {
    for (const transition of list) {
      if (!transition.target || transition.target.length === 0) continue;
      const guard = guardName(transition.guard);
      transitions.push({
        source,
        targets: transition.target.map((target) => pathOf(target.id)),
        trigger,
        ...(guard !== undefined ? { guard } : {}),
        reenter: transition.reenter === true,
      });
    }
  };

  const walk = (node: WalkNode): DiagramState => {
    const path = node.path.join('.');
    for (const [eventType, list] of node.transitions) collect(node, path, triggerOf(node, eventType), list);
    collect(node, path, 'always', node.always ?? []);
    const initial = node.initial?.target[0]?.key;
    return {
      path,
      key: node.key,
      ...(initial !== undefined ? { initial } : {}),
      invokes: node.invoke.map((invoke) => actorName(invoke.src)),
      children: Object.values(node.states).map(walk),
    };
  };

  for (const [eventType, list] of root.transitions) collect(root, '', triggerOf(root, eventType), list);
  const states = Object.values(root.states).map(walk);
  const initial = root.initial?.target[0]?.key;
  return { id: root.id, ...(initial !== undefined ? { initial } : {}), states, transitions };
}

/** How a transition reads on a diagram: `FETCH [canServeCredentials]`, `FEDERATE (reenter)`. */
export function transitionLabel(transition: DiagramTransition): string {
  return `${transition.trigger}${transition.guard !== undefined ? ` [${transition.guard}]` : ''}${transition.reenter ? ' (reenter)' : ''}`;
}
