// Writes api/*.api.md, one API report per entry point of package.json `exports`, from the built
// .d.ts files. Run after a build: npm run build && npm run api:report
// (`-- --dist <dir>` reads the .d.ts files from another build directory instead of dist/).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { repositoryRoot } from './architecture-cruise';
import { apiEntries, renderApiReport } from './api-report-render';

const distFlag = process.argv.indexOf('--dist');
const dist = distFlag === -1 ? undefined : process.argv[distFlag + 1];
if (distFlag !== -1 && dist === undefined) throw new TypeError('--dist needs a directory');

for (const entry of apiEntries(repositoryRoot)) {
  const dtsPath = dist === undefined ? join(repositoryRoot, entry.types) : resolve(dist, entry.types.replace(/^dist\//, ''));
  const path = join(repositoryRoot, entry.report);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderApiReport(entry, dtsPath));
  console.log(`wrote ${entry.report}`);
}
