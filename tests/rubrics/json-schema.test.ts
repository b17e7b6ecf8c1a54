import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jsonSchemas } from '../../scripts/json-schemas';
import { repoRoot } from '../support/load';

describe('the committed JSON Schemas', () => {
  it.each(Object.entries(jsonSchemas()))(
    'rubrics/schema/%s matches the zod schema (run `npm run schema` if not)',
    (name, text) => {
      expect(readFileSync(join(repoRoot, name), 'utf8')).toBe(text);
    },
  );

  it('describes the rubric shape, including the recursive children and unknown keys refused', () => {
    const text = jsonSchemas()['rubrics/schema/rubric.schema.json'] ?? '';
    const schema = z.object({ required: z.array(z.string()) }).parse(JSON.parse(text));
    expect(text).toContain('"additionalProperties": false');
    expect(text).toContain('"children"');
    expect(text).toContain('"overflow"');
    expect(schema.required).toEqual(['version', 'id', 'title', 'form', 'scale', 'allowNA', 'items']);
  });
});
