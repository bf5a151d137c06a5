// The layers figure in docs/architecture.md is generated from the import graph; this fails when the
// graph has changed and the figure has not (run `npm run docs:architecture`).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../scripts/architecture-cruise';
import { currentFigure, figureIn, nodeOf, renderLayerFigure, withFigure } from '../../scripts/architecture-figure';

/** A cruise result with only what the figure reads: sources, resolved targets, dependency types. */
function graph(edges: ReadonlyArray<[string, string, 'import' | 'type-only']>): ICruiseResult {
  const sources = [...new Set(edges.flatMap(([from, to]) => [from, to]))];
  const modules = sources.map((source) => ({
    source,
    dependencies: edges
      .filter(([from]) => from === source)
      .map(([, to, kind]) => ({ resolved: to, coreModule: false, couldNotResolve: false, dependencyTypes: kind === 'type-only' ? ['local', 'type-only', 'import'] : ['local', 'import'] })),
  }));
  return { modules, summary: {} } as unknown as ICruiseResult;
}

describe('the layers figure', () => {
  it('collapses modules to layers: one arrow per pair, dotted when every import is types only', () => {
    const figure = renderLayerFigure(
      graph([
        ['src/engine/create-auth.ts', 'machines/auth.machine.ts', 'import'],
        ['src/engine/bind.ts', 'machines/auth.guards.ts', 'type-only'],
        ['src/services/get-id.ts', 'src/model/login.ts', 'type-only'],
        ['src/services/get-id.ts', 'src/services/send-command.ts', 'import'],
        ['src/cli/idpool.ts', 'src/index.ts', 'import'],
        ['src/engine.ts', 'src/options.ts', 'import'],
      ]),
    );
    expect(figure.split('\n')).toEqual([
      '```mermaid',
      'flowchart TD',
      '  adapters["adapters<br/>src/aws-sdk.ts, src/amplify/, src/cli/"]',
      '  api["src/index.ts<br/>public API"]',
      '  engine["src/engine"]',
      '  machines["machines"]',
      '  services["src/services"]',
      '  model["src/model"]',
      '  file_options["src/options.ts"]',
      '  adapters --> api',
      '  engine --> machines',
      '  engine --> file_options',
      '  services -.-> model',
      '```',
    ]);
  });

  it('puts every module of a layer in it, and a stray top-level file in a node of its own', () => {
    expect(nodeOf('src/aws-sdk.ts')?.id).toBe('adapters');
    expect(nodeOf('src/amplify/index.ts')?.id).toBe('adapters');
    expect(nodeOf('src/engine.ts')?.id).toBe('engine');
    expect(nodeOf('src/engine/request-registry.ts')?.id).toBe('engine');
    expect(nodeOf('src/local/index.ts')?.id).toBe('local');
    expect(nodeOf('src/auth-state.ts')?.id).toBe('file_auth_state');
    expect(nodeOf('node_modules/xstate/dist/xstate.esm.js')).toBeUndefined();
  });

  it('is written between the markers of the doc and read back unchanged', () => {
    const doc = 'before\n<!-- architecture-figure:start (generated: npm run docs:architecture) -->\nold\n<!-- architecture-figure:end -->\nafter\n';
    const updated = withFigure(doc, '```mermaid\nflowchart TD\n```');
    expect(figureIn(updated)).toBe('```mermaid\nflowchart TD\n```');
    expect(updated.startsWith('before\n') && updated.endsWith('\nafter\n')).toBe(true);
    expect(() => withFigure('no markers', 'x')).toThrow(/markers/);
  });

  it('in docs/architecture.md is the one the import graph gives now', async () => {
    const committed = figureIn(await readFile(join(repositoryRoot, 'docs', 'architecture.md'), 'utf8'));
    expect(committed, 'docs/architecture.md has the figure markers').toBeDefined();
    if (committed !== (await currentFigure())) {
      throw new Error('the layers figure in docs/architecture.md is out of date with the import graph: run `npm run docs:architecture` and commit the result.');
    }
  });
});
