// Writes docs/machines/auth.mmd and auth.svg from the machine definition. Run: npm run diagrams
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderDiagrams } from './diagrams/render-diagrams';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const [path, contents] of Object.entries(renderDiagrams())) {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), contents);
  console.log(`wrote ${path}`);
}
