// Writes the layers figure into docs/architecture.md (between its markers). Run: npm run docs:architecture
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repositoryRoot } from './architecture-cruise';
import { currentFigure, withFigure } from './architecture-figure';

const path = join(repositoryRoot, 'docs', 'architecture.md');
await writeFile(path, withFigure(await readFile(path, 'utf8'), await currentFigure()));
console.log('wrote docs/architecture.md');
