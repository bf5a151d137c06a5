import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { assign, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { authMachine } from '../../machines/auth.machine';
import { machineGraph } from '../../scripts/diagrams/machine-graph';
import { renderDiagrams } from '../../scripts/diagrams/render-diagrams';
import { toMermaid } from '../../scripts/diagrams/to-mermaid';
import { toSvg } from '../../scripts/diagrams/to-svg';

const root = new URL('../../', import.meta.url);

describe('committed diagrams', () => {
  it.each(Object.entries(renderDiagrams()))('%s is up to date', async (path, generated) => {
    const committed = await readFile(fileURLToPath(new URL(path, root)), 'utf8').catch(() => '');
    if (committed !== generated) {
      throw new Error(`${path} is out of date with machines/auth.machine.ts: run \`npm run diagrams\` and commit the result.`);
    }
  });
});

describe('machineGraph reads the auth machine', () => {
  const graph = machineGraph(authMachine);
  const paths = (states = graph.states): string[] => states.flatMap((state) => [state.path, ...paths(state.children)]);
  const find = (source: string, trigger: string) => graph.transitions.filter((t) => t.source === source && t.trigger === trigger);

  it('has every state, nested ones by path', () => {
    expect(graph.states.map((state) => state.key)).toEqual(['restoring', 'signedOut', 'federating', 'federated', 'refreshing', 'cleared']);
    expect(graph.initial).toBe('restoring');
    expect(paths()).toContain('signedOut.fetchingGuestCredentials.gettingId');
    expect(paths()).toContain('refreshing.backingOff');
  });

  it('names events, guards, delays, invoke outcomes and always transitions', () => {
    expect(find('', 'CLEAR')).toEqual([{ source: '', targets: ['cleared'], trigger: 'CLEAR', reenter: false }]);
    expect(find('federated', 'after refreshAhead')[0]?.targets).toEqual(['refreshing']);
    expect(find('federating.gettingCredentials', 'done getCredentials')[0]?.targets).toEqual(['federated']);
    expect(find('federating.gettingCredentials', 'error getCredentials').map((t) => t.guard)).toEqual(['shouldGetNewIdentityId', undefined]);
    expect(find('federating.failed', 'always').map((t) => t.targets[0])).toEqual(['federated', 'refreshing', 'cleared', 'signedOut']);
    expect(find('federating', 'FEDERATE')).toEqual([{ source: 'federating', targets: ['federating'], trigger: 'FEDERATE', reenter: true }]);
    // Targetless transitions (actions only) are not drawn.
    expect(find('federated.idle', 'FETCH').map((t) => t.targets[0])).toEqual(['federated.checkingUserPoolSession', 'refreshing']);
  });
});

it('renders any machine: numeric delays, inline guards, nested initial states', () => {
  const machine = setup({ guards: { ready: () => true } }).createMachine({
    id: 'tiny',
    initial: 'a',
    states: {
      a: { after: { 500: 'b' }, on: { GO: { guard: 'ready', target: 'b' }, STAY: { actions: assign({}) } } },
      b: { initial: 'x', states: { x: { always: { guard: () => false, target: 'y' } }, y: { type: 'final' } } },
    },
  });
  const graph = machineGraph(machine);
  expect(graph.transitions.map((t) => `${t.source}:${t.trigger}:${t.guard ?? ''}:${t.targets.join()}`)).toEqual([
    'a:GO:ready:b',
    'a:after 500ms::b',
    // An inline guard is shown by its function name (here the property's).
    'b.x:always:guard:b.y',
  ]);
  const mermaid = toMermaid(graph, 'test');
  expect(mermaid).toContain('  [*] --> a\n');
  expect(mermaid).toContain('  state b {\n    [*] --> b_x\n    state "x" as b_x\n    state "y" as b_y\n  }\n');
  expect(mermaid).toContain('  a --> b : GO [ready]\n');
  const svg = toSvg(graph, 'test');
  expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svg).toContain('<g class="state" data-state="b.x">');
  expect(svg).toContain('>after 500ms → b</text>');
});
