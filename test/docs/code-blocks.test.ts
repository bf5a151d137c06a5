import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractCodeBlocks, type CodeBlock } from './code-blocks';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = join(root, '.tmp', 'docs-blocks');

/** Every docs/*.md and README.md that exists now: the docs test covers whatever is written. */
const markdownFiles = [
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
  ...(existsSync(join(root, 'README.md')) ? ['README.md'] : []),
];
const blocks = markdownFiles.flatMap((file) => extractCodeBlocks(file, readFileSync(join(root, file), 'utf8')));

const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: ['node'],
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  esModuleInterop: true,
  resolveJsonModule: true,
  skipLibCheck: true,
  noEmit: true,
  baseUrl: root,
  // What an app importing the published package gets, mapped to the sources.
  paths: {
    idpool: ['src/index.ts'],
    'idpool/local': ['src/local/index.ts'],
    'idpool/amplify': ['src/amplify/index.ts'],
    'idpool/storage/file': ['src/storage/file-storage.ts'],
    'idpool/storage/redis': ['src/storage/redis-storage.ts'],
  },
};

const blockPath = (block: CodeBlock): string => join(outDir, `${block.file.replace(/[/.]/g, '_')}-${block.index}.ts`);
/** A block that must not compile: proves the checker reports errors at all. */
const canary: CodeBlock = { file: 'canary.md', index: 1, line: 1, code: "import { createAuth } from 'idpool';\ncreateAuth({ identityPool: 'x' });" };

let diagnosticsByFile: Map<string, readonly ts.Diagnostic[]>;

beforeAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const checked = [...blocks.filter((block) => block.skip === undefined), canary];
  for (const block of checked) writeFileSync(blockPath(block), `${block.code}\nexport {};\n`);
  // One program for every block: the sources and type packages are loaded once.
  const program = ts.createProgram(checked.map(blockPath), compilerOptions);
  diagnosticsByFile = new Map(
    checked.map((block) => {
      const source = program.getSourceFile(blockPath(block));
      return [blockPath(block), source ? [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)] : []];
    }),
  );
}, 300_000);

function describeDiagnostics(block: CodeBlock): string[] {
  return (diagnosticsByFile.get(blockPath(block)) ?? []).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ');
    const at = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line : undefined;
    const where = at === undefined ? '' : ` line ${block.line + at}`;
    return `${block.file} block ${block.index} (starts line ${block.line}),${where}: TS${diagnostic.code} ${message}`;
  });
}

describe('```ts blocks in the docs type-check against the sources', () => {
  it('finds the blocks, and the checker does report a broken one', () => {
    expect(markdownFiles).toEqual(expect.arrayContaining(['docs/quickstart.md', 'docs/providers.md', 'docs/aws-sdk.md', 'docs/migrating-from-amplify.md']));
    expect(blocks.length).toBeGreaterThan(10);
    expect(blocks.filter((block) => block.run === true).map((block) => block.file)).toEqual(expect.arrayContaining(['docs/quickstart.md', 'docs/aws-sdk.md']));
    expect(describeDiagnostics(canary).join('\n')).toMatch(/canary\.md block 1 .*TS2353|TS2345|TS2561/);
  });

  it('every skipped block gives its reason', () => {
    for (const block of blocks.filter((candidate) => candidate.skip !== undefined)) {
      expect(block.skip, `${block.file} block ${block.index} (line ${block.line}): typecheck: skip needs a reason`).not.toBe('');
    }
  });

  for (const file of markdownFiles) {
    const fileBlocks = blocks.filter((block) => block.file === file && block.skip === undefined);
    if (fileBlocks.length === 0) continue;
    describe(file, () => {
      for (const block of fileBlocks) {
        it(`block ${block.index} (line ${block.line})`, () => {
          const problems = describeDiagnostics(block);
          if (problems.length > 0) throw new Error(`${problems.join('\n')}\n(checked as ${blockPath(block)})`);
        });
      }
    });
  }
});

/** Runs a file with tsx, resolving `idpool…` to the sources through a tsconfig's paths. */
function runWithTsx(file: string): Promise<{ code: number | null; output: string }> {
  const tsconfig = join(outDir, 'tsconfig.run.json');
  writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { baseUrl: root, paths: compilerOptions.paths, module: 'ESNext', moduleResolution: 'Bundler', target: 'ES2022' } }));
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsx, '--tsconfig', tsconfig, file], {
      cwd: root,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('blocks marked <!-- typecheck: run --> run as written against the local pool', () => {
  for (const block of blocks.filter((candidate) => candidate.run === true && candidate.skip === undefined)) {
    it(`${block.file} block ${block.index} (line ${block.line})`, async () => {
      const run = await runWithTsx(blockPath(block));
      if (run.code !== 0) throw new Error(`${block.file} block ${block.index} (line ${block.line}) exited ${run.code}:\n${run.output}`);
      // A bound, not a measure: a spawned tsx compiles and runs the block, slow on a busy machine.
    }, 180_000);
  }
});

describe('TypeDoc API reference', () => {
  it('builds for idpool, idpool/local and idpool/amplify without warnings (typedoc --emit none)', async () => {
    const typedoc = join(root, 'node_modules', 'typedoc', 'bin', 'typedoc');
    // Type errors are tsc's job (npm run typecheck); this checks the documentation: links, exports, entry points.
    const run = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [typedoc, '--emit', 'none', '--skipErrorChecking', '--treatWarningsAsErrors'], { cwd: root });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, output }));
    });
    expect(run.output).not.toMatch(/\[(warning|error)\]/);
    expect(run.code, run.output).toBe(0);
  }, 300_000);
});
