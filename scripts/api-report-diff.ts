// A readable difference between two API reports: which names were added, removed or changed, and
// for a changed one the lines that differ. A whole-file line diff would bury a one-line change to
// a type in a thousand-line report.

/** The report's declarations by `section / name (kind)`: each `### ` heading and its text. */
export function reportSections(report: string): Map<string, string> {
  const sections = new Map<string, string>();
  let section = '';
  let heading: string | undefined;
  let body: string[] = [];
  const flush = (): void => {
    if (heading !== undefined) sections.set(`${section} / ${heading}`, body.join('\n').trim());
  };
  for (const line of report.split('\n')) {
    if (line.startsWith('## ') || line.startsWith('### ')) {
      flush();
      heading = undefined;
      body = [];
      if (line.startsWith('## ')) section = line.slice(3);
      else heading = line.slice(4);
    } else if (heading !== undefined) body.push(line);
  }
  flush();
  return sections;
}

/** Lines of `before` not in `after` (-) and of `after` not in `before` (+), in order (an LCS diff). */
export function lineDiff(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  // Longest common subsequence lengths of the suffixes, one row per line of `a`.
  const lengths = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    const row = lengths[i] as Uint32Array;
    const below = lengths[i + 1] as Uint32Array;
    for (let j = b.length - 1; j >= 0; j -= 1) row[j] = a[i] === b[j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number);
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i += 1;
      j += 1;
    } else if (j < b.length && (i === a.length || ((lengths[i] as Uint32Array)[j + 1] as number) >= ((lengths[i + 1] as Uint32Array)[j] as number))) {
      out.push(`+ ${b[j] as string}`);
      j += 1;
    } else {
      out.push(`- ${a[i] as string}`);
      i += 1;
    }
  }
  return out;
}

/** What changed from the committed report to the generated one; empty when they are the same. */
export function diffReports(committed: string, generated: string): string[] {
  const before = reportSections(committed);
  const after = reportSections(generated);
  const out: string[] = [];
  for (const key of after.keys()) if (!before.has(key)) out.push(`added    ${key}`);
  for (const key of before.keys()) if (!after.has(key)) out.push(`removed  ${key}`);
  for (const [key, text] of after) {
    const old = before.get(key);
    if (old !== undefined && old !== text) out.push(`changed  ${key}`, ...lineDiff(old, text).map((line) => `    ${line}`));
  }
  // Same declarations, different text around them (the header, the order): still a difference.
  if (out.length === 0 && committed !== generated) out.push('the report text differs outside its declarations (header or order)');
  return out;
}
