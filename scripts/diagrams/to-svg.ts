import { transitionLabel, type DiagramState, type DiagramTransition, type MachineGraph } from './machine-graph';

// A plain layout that needs no browser: top-level states as boxes packed into columns, nested
// states as boxes inside them, each box listing the transitions that leave it.
const LINE = 16;
const CHAR = 7.2; // width of a 12px monospace character
const PAD = 8;
const GAP = 16;
const COLUMN = 450;
const COLUMNS = 3;
const TITLE = 40;

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Breaks a line at spaces to fit `width` pixels; continuation lines are indented. */
function wrap(text: string, width: number): string[] {
  const max = Math.max(10, Math.floor(width / CHAR));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line === '' ? word : `${line} ${word}`;
    if (next.length > max && line !== '') {
      lines.push(line);
      line = `  ${word}`;
    } else line = next;
  }
  lines.push(line);
  return lines;
}

interface Line {
  text: string;
  kind: 'title' | 'invoke' | 'transition';
}

interface Box {
  height: number;
  render(x: number, y: number): string[];
}

function relative(target: string): string {
  return target === '' ? '(machine)' : target;
}

function transitionLines(transitions: readonly DiagramTransition[], width: number): Line[] {
  return transitions.flatMap((transition) =>
    wrap(`${transitionLabel(transition)} → ${transition.targets.map(relative).join(', ')}`, width).map((text) => ({ text, kind: 'transition' as const })),
  );
}

function textLine(line: Line, x: number, y: number): string {
  // SVG collapses leading spaces: indent continuation lines by position instead.
  const indent = line.text.length - line.text.trimStart().length;
  return `<text x="${Math.round(x + indent * CHAR)}" y="${y}" class="${line.kind}">${escape(line.text.trimStart())}</text>`;
}

function stateBox(state: DiagramState, width: number, initial: boolean, outgoing: ReadonlyMap<string, DiagramTransition[]>): Box {
  const inner = width - 2 * PAD;
  const lines: Line[] = [
    { text: initial ? `${state.key}  ● initial` : state.key, kind: 'title' },
    ...state.invokes.map((src) => ({ text: `invoke ${src}`, kind: 'invoke' as const })),
    ...transitionLines(outgoing.get(state.path) ?? [], inner),
  ];
  const children = state.children.map((child) => stateBox(child, inner, child.key === state.initial, outgoing));
  const height =
    PAD + lines.length * LINE + children.reduce((sum, child) => sum + child.height + PAD, 0) + (children.length > 0 ? 0 : PAD / 2);
  return {
    height,
    render(x, y) {
      const out = [
        `<g class="state" data-state="${escape(state.path)}">`,
        `<rect x="${x}" y="${y}" width="${width}" height="${height}" rx="6"/>`,
        ...lines.map((line, index) => textLine(line, x + PAD, y + PAD + (index + 1) * LINE - 4)),
      ];
      let childY = y + PAD + lines.length * LINE;
      for (const child of children) {
        out.push(...child.render(x + PAD, childY));
        childY += child.height + PAD;
      }
      out.push('</g>');
      return out;
    },
  };
}

function anyStateBox(transitions: readonly DiagramTransition[], width: number): Box {
  const lines: Line[] = [{ text: 'from any state', kind: 'title' }, ...transitionLines(transitions, width - 2 * PAD)];
  const height = PAD + lines.length * LINE + PAD / 2;
  return {
    height,
    render: (x, y) => [
      `<g class="any-state">`,
      `<rect x="${x}" y="${y}" width="${width}" height="${height}" rx="6"/>`,
      ...lines.map((line, index) => textLine(line, x + PAD, y + PAD + (index + 1) * LINE - 4)),
      '</g>',
    ],
  };
}

/**
 * The chart as a standalone SVG. Each state is a `<g class="state" data-state="<path>">`, so a
 * page can highlight the active ones by adding the `active` class.
 */
export function toSvg(graph: MachineGraph, header: string): string {
  const outgoing = new Map<string, DiagramTransition[]>();
  for (const transition of graph.transitions) outgoing.set(transition.source, [...(outgoing.get(transition.source) ?? []), transition]);

  const boxes: Box[] = [];
  const fromAnyState = outgoing.get('');
  if (fromAnyState) boxes.push(anyStateBox(fromAnyState, COLUMN));
  for (const state of graph.states) boxes.push(stateBox(state, COLUMN, state.key === graph.initial, outgoing));

  // Each box goes to the shortest column, in definition order.
  const columnHeights: number[] = Array.from({ length: COLUMNS }, () => TITLE);
  const body: string[] = [];
  for (const box of boxes) {
    const column = columnHeights.indexOf(Math.min(...columnHeights));
    const x = GAP + column * (COLUMN + GAP);
    body.push(...box.render(x, columnHeights[column]!));
    columnHeights[column]! += box.height + GAP;
  }
  const width = GAP + COLUMNS * (COLUMN + GAP);
  const height = Math.max(...columnHeights);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="12">
<!-- ${escape(header)} -->
<style>
  rect { fill: #f8fafc; stroke: #64748b; stroke-width: 1; }
  .state .state > rect { fill: #ffffff; stroke: #94a3b8; }
  .any-state > rect { fill: #f1f5f9; stroke-dasharray: 4 3; }
  .state.active > rect { fill: #fef3c7; stroke: #d97706; stroke-width: 2; }
  .title { font-weight: bold; fill: #0f172a; }
  .invoke { fill: #7c3aed; font-style: italic; }
  .transition { fill: #334155; }
  .heading { font-size: 16px; font-weight: bold; fill: #0f172a; }
</style>
<text x="${GAP}" y="26" class="heading">${escape(`${graph.id} machine`)}</text>
${body.join('\n')}
</svg>
`;
}
