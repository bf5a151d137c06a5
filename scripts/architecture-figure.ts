// The layers figure of docs/architecture.md: the real import graph of src/ and machines/, collapsed
// to one node per layer. `npm run docs:architecture` writes it into the doc between the markers;
// test/architecture/figure-current.test.ts fails when the committed figure differs from a fresh one.
import type { ICruiseResult } from 'dependency-cruiser';
import { cruiseTree, repositoryRoot, shippedRoots } from './architecture-cruise';

interface Layer {
  id: string;
  label: string;
  matches: RegExp;
}

/** The layers of ../shared/DESIGN.md "Layout", top (adapters) to bottom (errors). */
export const layers: readonly Layer[] = [
  { id: 'adapters', label: 'adapters<br/>src/aws-sdk.ts, src/amplify/, src/cli/', matches: /^src\/(aws-sdk\.ts$|amplify\/|cli\/)/ },
  { id: 'api', label: 'src/index.ts<br/>public API', matches: /^src\/index\.ts$/ },
  { id: 'engine', label: 'src/engine', matches: /^src\/engine(\/|\.ts$)/ },
  { id: 'machines', label: 'machines', matches: /^machines\// },
  { id: 'services', label: 'src/services', matches: /^src\/services\// },
  { id: 'session', label: 'src/session', matches: /^src\/session\// },
  { id: 'storage', label: 'src/storage', matches: /^src\/storage\// },
  { id: 'login', label: 'src/login', matches: /^src\/login\// },
  { id: 'model', label: 'src/model', matches: /^src\/model\// },
  { id: 'errors', label: 'src/errors', matches: /^src\/errors\// },
  { id: 'local', label: 'src/local<br/>stands apart', matches: /^src\/local\// },
];

/**
 * The node a module belongs to: its layer; a file directly in src/ that is no layer gets a node of
 * its own (so a stray top-level file shows up in the figure); packages and built-ins get none.
 */
export function nodeOf(path: string): { id: string; label: string } | undefined {
  const layer = layers.find((candidate) => candidate.matches.test(path));
  if (layer !== undefined) return { id: layer.id, label: layer.label };
  const topLevel = /^src\/([\w.-]+)\.ts$/.exec(path);
  if (topLevel !== null) return { id: `file_${(topLevel[1] as string).replace(/\W/g, '_')}`, label: path };
  const folder = /^(src\/[\w.-]+|[\w.-]+)\//.exec(path);
  if (folder === null || path.startsWith('node_modules/')) return undefined;
  return { id: `folder_${(folder[1] as string).replace(/\W/g, '_')}`, label: `${folder[1] as string}/` };
}

/**
 * A mermaid flowchart: one node per layer that has a module, one arrow per pair of layers with an
 * import between them, solid when any import is a runtime one and dotted when all are types only.
 */
export function renderLayerFigure(result: ICruiseResult): string {
  const nodes = new Map<string, string>();
  const runtime = new Map<string, boolean>();
  for (const module of result.modules) {
    const from = module.coreModule === true ? undefined : nodeOf(module.source);
    if (from === undefined) continue;
    nodes.set(from.id, from.label);
    for (const dependency of module.dependencies) {
      const to = dependency.coreModule || dependency.couldNotResolve ? undefined : nodeOf(dependency.resolved);
      if (to === undefined || to.id === from.id) continue;
      nodes.set(to.id, to.label);
      const key = `${from.id} ${to.id}`;
      runtime.set(key, (runtime.get(key) ?? false) || !dependency.dependencyTypes.includes('type-only'));
    }
  }
  const rank = (id: string): number => {
    const index = layers.findIndex((layer) => layer.id === id);
    return index === -1 ? layers.length : index;
  };
  const byRank = (a: string, b: string): number => rank(a) - rank(b) || a.localeCompare(b);
  const nodeLines = [...nodes.keys()].sort(byRank).map((id) => `  ${id}["${nodes.get(id) as string}"]`);
  const edgeLines = [...runtime.entries()]
    .map(([key, isRuntime]) => ({ from: key.split(' ')[0] as string, to: key.split(' ')[1] as string, isRuntime }))
    .sort((a, b) => byRank(a.from, b.from) || byRank(a.to, b.to))
    .map(({ from, to, isRuntime }) => `  ${from} ${isRuntime ? '-->' : '-.->'} ${to}`);
  return ['```mermaid', 'flowchart TD', ...nodeLines, ...edgeLines, '```'].join('\n');
}

/** The figure of the tree as it is now. */
export async function currentFigure(): Promise<string> {
  return renderLayerFigure(await cruiseTree(repositoryRoot, shippedRoots, false));
}

const START = '<!-- architecture-figure:start (generated: npm run docs:architecture) -->';
const END = '<!-- architecture-figure:end -->';

/** The figure between the markers of a document, or undefined when the markers are missing. */
export function figureIn(document: string): string | undefined {
  const start = document.indexOf(START);
  const end = document.indexOf(END);
  if (start === -1 || end < start) return undefined;
  return document.slice(start + START.length, end).trim();
}

/** The document with `figure` between its markers; throws when the markers are missing. */
export function withFigure(document: string, figure: string): string {
  const start = document.indexOf(START);
  const end = document.indexOf(END);
  if (start === -1 || end < start) throw new Error(`the document has no ${START} … ${END} markers`);
  return `${document.slice(0, start + START.length)}\n${figure}\n${document.slice(end)}`;
}
