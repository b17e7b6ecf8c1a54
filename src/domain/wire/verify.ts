import { z } from 'zod';

/**
 * Who a sealing key belongs to, as the verification page and `ducha verify --server` are told: only ever
 * about a key whose valid signature the asker presented, so nobody can list the register by asking.
 */
export const signerSchema = z.discriminatedUnion('status', [
  z.strictObject({
    /** Enrolled when it sealed; `revokedAt` is set when it was revoked later (what it sealed before stays good). */
    status: z.literal('enrolled'),
    fingerprint: z.string(),
    deviceLabel: z.string(),
    auditor: z.string(),
    enrolledAt: z.string(),
    revokedAt: z.string().nullable(),
  }),
  z.strictObject({
    /** Revoked at or before the moment it sealed: the seal is refused. */
    status: z.literal('revoked'),
    fingerprint: z.string(),
    deviceLabel: z.string(),
    auditor: z.string(),
    enrolledAt: z.string(),
    revokedAt: z.string(),
  }),
  z.strictObject({ status: z.literal('not-enrolled'), fingerprint: z.string() }),
]);
export type Signer = z.infer<typeof signerSchema>;

/** POST /api/verify/seal: a sealed envelope (as embedded in a sheet or a bundle); only its key is looked up. */
export const verifySealBodySchema = z.strictObject({ envelope: z.unknown() });
export const verifySealAnswerSchema = z.strictObject({ signer: signerSchema });

/** What the seal says, for a reader to hold against the paper: scores in hundredths as sealed. */
export const sealedRecordSchema = z.strictObject({
  auditId: z.string(),
  site: z.string(),
  siteCode: z.string().nullable(),
  auditedAt: z.string(),
  auditor: z.string(),
  revision: z.number().int(),
  amendReason: z.string().nullable(),
  previousHash: z.string().nullable(),
  earnedH: z.number().int(),
  possibleH: z.number().int(),
  percentTenths: z.number().int().nullable(),
  rubricId: z.string(),
  rubricTitle: z.string(),
  rubricFingerprint: z.string(),
  sealHash: z.string(),
  sealedAt: z.string(),
  /** The zone the sheet prints its times in. */
  timeZone: z.string().nullable(),
});
export type SealedRecord = z.infer<typeof sealedRecordSchema>;

/**
 * POST /api/verify: whether a PDF is exactly the sealed sheet (`sheet`), what the seal says (`record`, when
 * it could be read) and who signed (`signer`, when the signature holds). `message` says what differs.
 */
export const sheetVerdictSchema = z.strictObject({
  sheet: z.enum(['intact', 'tampered', 'unsigned', 'cannot-check']),
  message: z.string(),
  findings: z.array(z.strictObject({ what: z.string(), message: z.string() })),
  rendererVersion: z.number().int().nullable(),
  publicUrl: z.string().nullable(),
  record: sealedRecordSchema.nullable(),
  signer: signerSchema.nullable(),
});
export type SheetVerdict = z.infer<typeof sheetVerdictSchema>;
