import { z } from 'zod';
import { rubricNodeSchema, sealedEnvelopeSchema } from '../../domain/index';
import { auditReceiptSchema, auditRecordSchema, errorBodySchema, healthSchema, imageReceiptSchema } from '../../domain/wire';
import type { ApiRouteDoc } from './api-routes';

type JsonObject = Record<string, unknown>;

/** Schemas shown once under components/schemas and referred to by name (the rubric tree is recursive). */
const NAMED_SCHEMAS: readonly (readonly [string, z.ZodType])[] = [
  ['SealedEnvelope', sealedEnvelopeSchema],
  ['RubricNode', rubricNodeSchema],
  ['Error', errorBodySchema],
  ['ImageReceipt', imageReceiptSchema],
  ['AuditReceipt', auditReceiptSchema],
  ['AuditRecord', auditRecordSchema],
  ['Health', healthSchema],
];

const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function withoutHeader(schema: unknown): JsonObject {
  if (!isJsonObject(schema)) return {};
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/**
 * The OpenAPI 3.1 document of the routes given, generated from the very zod schemas the handlers parse with
 * (zod's own JSON Schema output; OpenAPI 3.1 schemas are JSON Schema 2020-12).
 */
export function openApiDocument(routes: readonly ApiRouteDoc[], info: { version: string }): JsonObject {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of NAMED_SCHEMAS) registry.add(schema, { id });
  const named = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, io: 'input' });
  const nameOf = new Map<z.ZodType, string>(NAMED_SCHEMAS.map(([id, schema]) => [schema, id]));
  const schemaOf = (schema: z.ZodType): JsonObject => {
    const id = nameOf.get(schema);
    if (id !== undefined) return { $ref: `#/components/schemas/${id}` };
    return withoutHeader(z.toJSONSchema(schema, { io: 'input' }));
  };

  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of routes) {
    const parametersIn = (where: 'path' | 'query', shape: Record<string, unknown> | undefined) =>
      Object.entries(shape ?? {}).flatMap(([name, schema]) =>
        schema instanceof z.ZodType
          ? [{ name, in: where, required: where === 'path' || !schema.safeParse(undefined).success, schema: schemaOf(schema) }]
          : [],
      );
    const parameters = [...parametersIn('path', route.params?.shape), ...parametersIn('query', route.query?.shape)];
    const responses: Record<string, JsonObject> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      const contentType = response.contentType ?? 'application/json';
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? { content: { [contentType]: { schema: schemaOf(response.schema) } } }
          : response.contentType
            ? { content: { [contentType]: { schema: { type: 'string', contentMediaType: contentType } } } }
            : {}),
      };
    }
    const { body } = route;
    const operation: JsonObject = {
      summary: route.summary,
      // Who may call it, as enforced (public, signed-in, or the roles).
      'x-ducha-access': route.access,
      ...(route.description ? { description: route.description } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(body
        ? {
            requestBody: {
              required: true,
              description: body.description,
              content: Object.fromEntries(
                body.contentTypes.map((type) => [
                  type,
                  { schema: body.schema ? schemaOf(body.schema) : { type: 'string', contentMediaType: type } },
                ]),
              ),
            },
          }
        : {}),
      responses,
    };
    paths[route.path] = { ...paths[route.path], [route.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ducha server API',
      version: info.version,
      description:
        'Sealed audits from tablets to head office. Errors are { "error": { "code", "message", "path"? } }; the app shows the code in the user\'s language.',
    },
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(named.schemas).map(([id, schema]) => [id, withoutHeader(schema)])),
    },
  };
}
