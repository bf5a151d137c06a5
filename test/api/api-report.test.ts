// Guards the typed surface: for every entry point of package.json `exports`, the API report read
// from the built .d.ts (every exported name, its kind and declaration, and what the exports reach)
// must equal the committed api/*.api.md, and every exported name must be documented. After an
// intended change: npm run build && npm run api:report, and review the diff.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repositoryRoot as root } from '../../scripts/architecture-cruise';
import { apiEntries, exportedNames, renderApiReport, type ApiEntry } from '../../scripts/api-report-render';
import { diffReports } from '../../scripts/api-report-diff';
import { codeWords, undocumented } from './doc-mentions';

const entries = apiEntries(root);

describe('API reports', () => {
  it('cover every entry point of package.json exports', () => {
    expect(entries.map((entry) => entry.specifier)).toEqual(['idpool', 'idpool/local', 'idpool/amplify', 'idpool/storage/file', 'idpool/storage/redis']);
    expect(entries.map((entry) => entry.report)).toEqual(['api/idpool.api.md', 'api/idpool-local.api.md', 'api/idpool-amplify.api.md', 'api/idpool-storage-file.api.md', 'api/idpool-storage-redis.api.md']);
  });

  describe.each(entries)('$specifier', (entry) => {
    const dts = join(root, entry.types);

    it(`matches ${entry.report}`, () => {
      expect(existsSync(dts), `${entry.types} is missing: run \`npm run build\` first (npm test does)`).toBe(true);
      const committed = existsSync(join(root, entry.report)) ? readFileSync(join(root, entry.report), 'utf8') : '';
      const changes = diffReports(committed, renderApiReport(entry, dts));
      if (changes.length > 0) {
        throw new Error(`the API of ${entry.specifier} changed (${entry.types} against ${entry.report}):\n${changes.join('\n')}\nIf that is intended: npm run build && npm run api:report, and commit the report.`);
      }
    });

    it('exports only names the docs mention (README.md, docs/*.md)', () => {
      expect(existsSync(dts), `${entry.types} is missing: run \`npm run build\` first (npm test does)`).toBe(true);
      expect(undocumented(root, exportedNames(dts)), `exported by ${entry.specifier} but mentioned (as code) in no user doc`).toEqual([]);
    });
  });
});

describe('the report and its checks can fail', () => {
  const dir = mkdtempSync(join(tmpdir(), 'idpool-api-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const entry: ApiEntry = { subpath: '.', specifier: 'fixture', types: 'dist/index.d.ts', report: 'api/fixture.api.md' };
  const report = (source: string): string => {
    writeFileSync(join(dir, 'index.d.ts'), source);
    return renderApiReport(entry, join(dir, 'index.d.ts'));
  };
  const base = [
    '/** Comments are not API. */',
    'interface Hidden { secret: string }',
    'export interface Options { retries?: number; hidden?: Hidden }',
    'export declare function start(options?: Options): Promise<void>;',
    'export declare const version: string;',
    // As in a bundled .d.ts: without an export list every top-level declaration counts as exported.
    'export {};',
  ].join('\n');

  it('lists each export with its kind and declaration, and what the exports reach', () => {
    const text = report(base);
    expect(text).toContain('### `Options` (interface)');
    expect(text).toContain('### `start` (function)');
    expect(text).toContain('declare const version: string;');
    expect(text).not.toContain('Comments are not API');
    expect(text.slice(text.indexOf('## Not exported'))).toContain('### `Hidden` (interface)');
  });

  it('reports an added, a removed and a changed declaration, a reached one included', () => {
    const changed = report(base.replace('retries?: number', 'retries: number').replace('secret: string', 'secret: number').replace('export declare const version: string;', 'export declare function stop(): void;'));
    const changes = diffReports(report(base), changed);
    expect(changes).toContain('added    Exports / `stop` (function)');
    expect(changes).toContain('removed  Exports / `version` (const)');
    expect(changes).toContain('changed  Exports / `Options` (interface)');
    expect(changes).toContain('changed  Not exported, but reached from an export / `Hidden` (interface)');
    expect(changes).toContain('    -     retries?: number;');
    expect(changes).toContain('    +     retries: number;');
    expect(diffReports(report(base), report(`${base}\n// a comment is no change`))).toEqual([]);
  });

  it('counts a name as documented only when a doc writes it as code', () => {
    const words = codeWords('Secret keys are prose. Use `createAuth` here.\n\n```ts\nconst auth: Auth = createAuth();\n```\n');
    expect(words.has('createAuth') && words.has('Auth')).toBe(true);
    expect(words.has('Secret')).toBe(false);
  });
});
