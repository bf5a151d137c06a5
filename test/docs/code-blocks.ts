/** A fenced ```ts block of a Markdown file, as the docs test checks it. */
export interface CodeBlock {
  /** Repository-relative path of the Markdown file. */
  file: string;
  /** 1-based position among the file's ts blocks. */
  index: number;
  /** 1-based line of the block's first code line in the Markdown file. */
  line: number;
  code: string;
  /** Why the block is not type-checked (`<!-- typecheck: skip reason -->` right above it). */
  skip?: string;
  /** `<!-- typecheck: run -->` right above it: a complete program the test also runs. */
  run?: boolean;
}

const FENCE_OPEN = /^(\s*)```(ts|typescript)\s*$/;
const FENCE_CLOSE = /^\s*```\s*$/;
const MARKER = /^\s*<!--\s*typecheck:\s*(skip|run)\b\s*(.*?)\s*-->\s*$/;
const PRELUDE = /^(\s*)\/\/\s*prelude:\s?(.*)$/;

/**
 * Every ```ts / ```typescript block. `// prelude: <code>` lines become code in place (so line
 * numbers stay), letting a block declare what the page has in scope (`declare const idToken: string;`).
 */
export function extractCodeBlocks(file: string, markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = FENCE_OPEN.exec(lines[i] as string);
    if (open === null) continue;
    const indent = (open[1] as string).length;
    let end = i + 1;
    while (end < lines.length && !FENCE_CLOSE.test(lines[end] as string)) end += 1;
    const body = lines.slice(i + 1, end).map((line) => {
      const unindented = line.slice(Math.min(indent, line.length - line.trimStart().length));
      const prelude = PRELUDE.exec(unindented);
      return prelude === null ? unindented : `${prelude[1] as string}${prelude[2] as string}`;
    });
    let previous = i - 1;
    while (previous >= 0 && (lines[previous] as string).trim() === '') previous -= 1;
    const marker = previous >= 0 ? MARKER.exec(lines[previous] as string) : null;
    blocks.push({
      file,
      index: blocks.length + 1,
      line: i + 2,
      code: body.join('\n'),
      ...(marker?.[1] === 'skip' ? { skip: marker[2] as string } : {}),
      ...(marker?.[1] === 'run' ? { run: true } : {}),
    });
    i = end;
  }
  return blocks;
}
