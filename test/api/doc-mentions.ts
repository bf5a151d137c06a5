// Which exported names the user docs mention: as code (an inline `span` or a fenced block) in
// README.md or docs/*.md. Prose does not count ("Secret keys…" does not document `Secret`), nor does
// docs/architecture.md, which is for maintainers and names internals on purpose.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The user docs, relative to the repository root. */
export function userDocs(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md') && name !== 'architecture.md')
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

/** Every identifier-like word written as code in `markdown`. */
export function codeWords(markdown: string): Set<string> {
  const words = new Set<string>();
  const add = (code: string): void => {
    for (const word of code.match(/[A-Za-z_$][\w$]*/g) ?? []) words.add(word);
  };
  // Fenced blocks first (and out of the text), then inline spans of what is left.
  const prose = markdown.replace(/^(\s*)(```|~~~)[^\n]*\n[\s\S]*?\n\1\2[^\S\n]*$/gm, (block) => {
    add(block);
    return '';
  });
  for (const span of prose.match(/`[^`\n]+`/g) ?? []) add(span);
  return words;
}

/** The names in `names` that no user doc mentions as code. */
export function undocumented(root: string, names: readonly string[]): string[] {
  const words = new Set<string>();
  for (const file of userDocs(root)) for (const word of codeWords(readFileSync(join(root, file), 'utf8'))) words.add(word);
  return names.filter((name) => !words.has(name));
}
