import { z } from 'zod';
import { bundleSchema, rubricSchema } from '../src/domain/index';

const render = (schema: z.ZodType, id: string, title: string): string =>
  `${JSON.stringify({ ...z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }), $id: `https://ducha.invalid/schema/${id}`, title }, null, 2)}\n`;

/** Every JSON Schema the project publishes, generated from its zod schema: repository path → text. */
export function jsonSchemas(): Record<string, string> {
  return {
    'rubrics/schema/rubric.schema.json': render(rubricSchema, 'rubric.schema.json', 'Ducha rubric (format version 1)'),
    'docs/schema/bundle.schema.json': render(bundleSchema, 'bundle.schema.json', 'Ducha bundle of sealed audits (format version 1)'),
  };
}
