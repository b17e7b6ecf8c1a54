import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { jsonSchemas } from './json-schemas';

const root = join(import.meta.dirname, '..');
for (const [path, text] of Object.entries(jsonSchemas())) {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
  process.stdout.write(`wrote ${path}\n`);
}
