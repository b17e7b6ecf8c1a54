import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jsonSchemas } from './json-schemas';

const dir = join(import.meta.dirname, '..', 'rubrics', 'schema');
await mkdir(dir, { recursive: true });
for (const [name, text] of Object.entries(jsonSchemas())) {
  await writeFile(join(dir, name), text);
  process.stdout.write(`wrote rubrics/schema/${name}\n`);
}
