import { z } from 'zod';
import { bundleAuditEntrySchema, bundleManifestSchema, bundleSchema, rubricSchema } from '../src/domain/head-office';

const render = (schema: z.ZodType, id: string, title: string): string =>
  `${JSON.stringify({ ...z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }), $id: `https://ducha.invalid/schema/${id}`, title }, null, 2)}\n`;

/** Every JSON Schema the project publishes, generated from its zod schema: repository path → text. */
export function jsonSchemas(): Record<string, string> {
  return {
    'rubrics/schema/rubric.schema.json': render(rubricSchema, 'rubric.schema.json', 'Ducha rubric (format version 1)'),
    'docs/schema/bundle.schema.json': render(bundleSchema, 'bundle.schema.json', 'Ducha bundle of sealed audits (format version 1)'),
    'docs/schema/bundle-v2-manifest.schema.json': render(
      bundleManifestSchema,
      'bundle-v2-manifest.schema.json',
      'Ducha bundle format 2: manifest.json inside the zip',
    ),
    'docs/schema/bundle-v2-audit.schema.json': render(
      bundleAuditEntrySchema,
      'bundle-v2-audit.schema.json',
      'Ducha bundle format 2: audits/<auditId>.json, a sealed envelope whose payload names its rubric by fingerprint',
    ),
  };
}
