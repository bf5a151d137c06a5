// Reads docs/aws-setup.md the way a reader runs it: its shell blocks (heredoc files apart, `aws`
// invocations found wherever they stand, inside `$(…)` too), its ts blocks and its resource table.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const GUIDE = 'docs/aws-setup.md';
export const TEMPLATE = 'infra/identity-pool.yaml';

const root = new URL('../../', import.meta.url);
export const readRepoFile = (path: string): Promise<string> => readFile(fileURLToPath(new URL(path, root)), 'utf8');

/** The bodies of every fenced block of `language`. */
export function fencedBlocks(markdown: string, language: string): string[] {
  const blocks: string[] = [];
  const fence = new RegExp(String.raw`^\`\`\`${language}\s*\n([\s\S]*?)^\`\`\`\s*$`, 'gm');
  for (const match of markdown.matchAll(fence)) blocks.push(match[1] as string);
  return blocks;
}

export interface ShellScript {
  /** The commands, heredoc bodies removed and `\`-continued lines joined. */
  commands: string;
  /** Files the script writes with `cat > NAME <<EOF`, by name: the body as the shell would write it, `$VARS` left as they are. */
  files: Map<string, string>;
}

/** Splits a shell block into its commands and the files its heredocs write. */
export function readShellBlock(block: string): ShellScript {
  const files = new Map<string, string>();
  const kept: string[] = [];
  const lines = block.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    const heredoc = /^cat > (\S+) <<(['"]?)(\w+)\2\s*$/.exec(line);
    if (heredoc === null) {
      kept.push(line);
      continue;
    }
    const [, file, quote, end] = heredoc as unknown as [string, string, string, string];
    const body: string[] = [];
    for (i += 1; i < lines.length && lines[i] !== end; i += 1) body.push(lines[i] as string);
    if (i === lines.length) throw new Error(`${GUIDE}: the heredoc writing ${file} never ends (no line "${end}")`);
    // An unquoted heredoc expands `\$` to `$`; a quoted one keeps every character.
    const text = body.join('\n');
    files.set(file, quote === '' ? text.replace(/\\\$/g, '$') : text);
  }
  return { commands: kept.join('\n').replace(/\\\n\s*/g, ' '), files };
}

/** One `aws` invocation: `aws <service> <operation> …`. */
export interface AwsCommand {
  service: string;
  operation: string;
  /** Every `--option` it passes, without `=value`. */
  options: string[];
  text: string;
}

/**
 * The words of each simple command, split the way a shell would for this purpose: quotes kept
 * inside words, `#` comments dropped, and `|`, `;`, `&&`, `||`, newlines, `$(` and `)` ending a command.
 */
function simpleCommands(script: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let quote: string | undefined;
  const endWord = (): void => {
    if (word !== '') words.push(word);
    word = '';
  };
  const endCommand = (): void => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  for (let i = 0; i < script.length; i += 1) {
    const char = script[i] as string;
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      else word += char;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    else if (char === '#' && word === '') {
      while (i < script.length && script[i] !== '\n') i += 1;
      endCommand();
    } else if (char === '$' && script[i + 1] === '(') {
      // A command substitution: the words so far belong to the outer command, which goes on after `)`.
      endWord();
      commands.push(words);
      words = [];
      i += 1;
    } else if (char === ')' || char === '\n' || char === ';' || char === '|' || char === '&') endCommand();
    else if (char === ' ' || char === '\t') endWord();
    else word += char;
  }
  if (quote !== undefined) throw new Error(`${GUIDE}: an unclosed ${quote} quote in a shell block`);
  endCommand();
  return commands.filter((command) => command.length > 0);
}

/** Every `aws` command of a script, with where it begins (after any `NAME=` assignments). */
export function awsCommands(script: string): AwsCommand[] {
  return simpleCommands(script)
    .map((words) => words.slice(words.findIndex((word) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word))))
    .filter((words) => words[0] === 'aws')
    .map((words) => {
      const [, service = '', operation = ''] = words;
      const options = words.filter((word) => word.startsWith('--')).map((word) => word.replace(/=.*$/, ''));
      return { service, operation, options, text: words.join(' ') };
    });
}

/** Every shell block of the guide, read. */
export async function guideScripts(): Promise<ShellScript[]> {
  return fencedBlocks(await readRepoFile(GUIDE), 'sh').map(readShellBlock);
}

export interface ResourceRow {
  logicalId: string;
  type: string;
  cli: string[];
}

/** The "what | CloudFormation | AWS CLI" table: logical id, type and the CLI commands of each row. */
export function resourceTable(markdown: string): ResourceRow[] {
  const rows: ResourceRow[] = [];
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const resource = /^`(\w+)` \(`(AWS::[\w:]+)`\)$/.exec(cells[2] ?? '');
    if (resource === null) continue;
    const cli = [...(cells[3] ?? '').matchAll(/`(aws [^`]+)`/g)].map((match) => match[1] as string);
    rows.push({ logicalId: resource[1] as string, type: resource[2] as string, cli });
  }
  return rows;
}
