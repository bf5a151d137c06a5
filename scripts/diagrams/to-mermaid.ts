import { transitionLabel, type DiagramState, type MachineGraph } from './machine-graph';

const ANY_STATE = 'any_state';

/** Mermaid ids are global, so nested states are named by their whole path. */
const mermaidId = (path: string): string => (path === '' ? ANY_STATE : path.replace(/\./g, '_'));

function stateLines(state: DiagramState, indent: string): string[] {
  const id = mermaidId(state.path);
  const lines = id === state.key ? [] : [`${indent}state "${state.key}" as ${id}`];
  if (state.children.length === 0) return lines.length > 0 ? lines : [`${indent}${id}`];
  lines.push(`${indent}state ${id} {`);
  if (state.initial !== undefined) lines.push(`${indent}  [*] --> ${mermaidId(`${state.path}.${state.initial}`)}`);
  for (const child of state.children) lines.push(...stateLines(child, `${indent}  `));
  lines.push(`${indent}}`);
  return lines;
}

/** The chart as a Mermaid `stateDiagram-v2`: nested states, then every state-changing transition. */
export function toMermaid(graph: MachineGraph, header: string): string {
  const lines = [`%% ${header}`, 'stateDiagram-v2'];
  if (graph.initial !== undefined) lines.push(`  [*] --> ${graph.initial}`);
  for (const state of graph.states) lines.push(...stateLines(state, '  '));
  if (graph.transitions.some((transition) => transition.source === '')) lines.push(`  state "any state" as ${ANY_STATE}`);
  for (const transition of graph.transitions) {
    for (const target of transition.targets) {
      // Mermaid reads ":" and ";" in a label as syntax.
      const label = transitionLabel(transition).replace(/[:;]/g, ' ');
      lines.push(`  ${mermaidId(transition.source)} --> ${mermaidId(target)} : ${label}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
