// docs/quickstart.md as a reader follows it: its shell blocks in order, the program of its
// `<!-- typecheck: run -->` block, and the output it says to expect.
import { extractCodeBlocks } from '../docs/code-blocks';
import { fencedBlocks, readRepoFile } from '../docs/aws-setup-guide';

export const QUICKSTART = 'docs/quickstart.md';

export interface Quickstart {
  /** Shell blocks, in page order. */
  shell: string[];
  /** The whole program. */
  program: string;
  /** The "It prints something like" block. */
  expected: string;
}

export async function readQuickstart(): Promise<Quickstart> {
  const markdown = await readRepoFile(QUICKSTART);
  const programs = extractCodeBlocks(QUICKSTART, markdown).filter((block) => block.run === true);
  if (programs.length !== 1) throw new Error(`${QUICKSTART}: expected one <!-- typecheck: run --> program, found ${programs.length}`);
  const [expected] = fencedBlocks(markdown, 'text');
  if (expected === undefined) throw new Error(`${QUICKSTART}: no \`\`\`text block with the expected output`);
  return { shell: fencedBlocks(markdown, 'sh'), program: programs[0]!.code, expected };
}

/**
 * Output with what changes from run to run (identity ids, times, ports) replaced by placeholders,
 * so the page's "something like" can be compared line for line.
 */
export function normaliseOutput(text: string): string[] {
  return text
    .trim()
    .split('\n')
    .map((line) =>
      line
        .replace(/\b[a-z]{2}(-[a-z]+)+-\d:[0-9a-f…-]+/g, '<identity id>')
        .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>')
        .replace(/127\.0\.0\.1:\d+/g, '<issuer>')
        .trimEnd(),
    );
}

/**
 * A shell block as a script: `npm install …` lines run after `seed` (which pins the versions to the
 * repository's lock) and with `idpool` meaning the packed tarball; every other line as written.
 */
export function asScript(block: string, seed: string, tarball: string): string {
  const lines = block.split('\n').map((line) => {
    if (!/^npm install\b/.test(line)) return line;
    return `${seed} && ${line.replace(/(?<=\s)idpool(?=\s|$)/, JSON.stringify(tarball))}`;
  });
  return ['set -euo pipefail', ...lines].join('\n');
}
