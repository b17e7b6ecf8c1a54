import { z } from 'zod';
import { rubricSchema } from '../src/domain/index';

/** Every JSON Schema the project publishes, generated from its zod schema; file name → schema. */
export function jsonSchemas(): Record<string, string> {
  const rubric = z.toJSONSchema(rubricSchema, { target: 'draft-2020-12', io: 'input' });
  return {
    'rubric.schema.json': `${JSON.stringify({ ...rubric, $id: 'https://ducha.invalid/schema/rubric.schema.json', title: 'Ducha rubric (format version 1)' }, null, 2)}\n`,
  };
}
