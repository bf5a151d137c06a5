import { authMachine } from '../../machines/auth.machine';
import { machineGraph } from './machine-graph';
import { toMermaid } from './to-mermaid';
import { toSvg } from './to-svg';

const HEADER = 'Generated from machines/auth.machine.ts by scripts/generate-diagrams.ts: do not edit, run `npm run diagrams`.';

/** The committed diagram files (paths from the repository root) and their contents. */
export function renderDiagrams(): Record<string, string> {
  const graph = machineGraph(authMachine);
  return {
    'docs/machines/auth.mmd': toMermaid(graph, HEADER),
    'docs/machines/auth.svg': toSvg(graph, HEADER),
  };
}
