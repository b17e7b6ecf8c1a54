import { z } from 'zod';
// Not through ../head-office: that entry re-exports bundles and intake, which a tablet's code must not carry.
import { holdReasonSchema, storedRevisionSchema } from '../trust/intake-records';

/** Whose key signed it, as the server's register says (null: a key nobody enrolled here). */
const signerSchema = z.strictObject({
  keyId: z.string(),
  deviceLabel: z.string().nullable(),
  auditor: z.string().nullable(),
  revoked: z.boolean(),
});

/** An audit the server keeps aside (待确认) until it knows its signer, its rubric or its previous revision. */
export const heldAuditSchema = z.strictObject({
  auditId: z.string(),
  lineageId: z.string(),
  revision: z.number().int().min(1),
  sealHash: z.string(),
  signer: signerSchema,
  reason: holdReasonSchema,
  message: z.string(),
  source: z.string(),
  heldAt: z.string(),
});
export type HeldAudit = z.infer<typeof heldAuditSchema>;
export const heldListSchema = z.strictObject({ held: z.array(heldAuditSchema) });

/** A seal the server refused because another one already holds its place: both sides, newest first. */
export const conflictSchema = z.strictObject({
  id: z.number().int(),
  auditId: z.string(),
  lineageId: z.string(),
  revision: z.number().int().min(1),
  siteName: z.string(),
  incomingHash: z.string(),
  incomingSigner: signerSchema,
  existing: storedRevisionSchema,
  message: z.string(),
  at: z.string(),
  source: z.string(),
});
export type ConflictEntry = z.infer<typeof conflictSchema>;
export const conflictListSchema = z.strictObject({ conflicts: z.array(conflictSchema) });
