import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  AUDIT_FORMAT_VERSION,
  auditExportSchema,
  formatIssue,
  fromBase64Url,
  gradesOf,
  rubricFingerprint,
  scoreAudit,
  verifyEnvelope,
  type Audit,
  type Rubric,
  type SealedEnvelope,
} from '../../domain/index';
import { nodeVerifier } from '../../crypto/node-verifier';
import { isTimeZone } from '../../report/csv';
import { renderScoreSheet } from '../../report/render-score-sheet';
import { renderSealedSheet } from '../../report/sealed-sheet';
import { DEFAULT_SHEET_TIME_ZONE } from '../../report/sheet-time';
import { readJsonFile, type CliIo } from '../io';
import { loadRubricAndGrades } from '../load-inputs';
import { DEFAULT_FALLBACK_FONT, describeMissing, loadSheetFonts } from '../sheet-fonts';

export const pdfArgsSchema = z
  .strictObject({
    rubric: z.string().min(1).optional(),
    answers: z.string().min(1).optional(),
    audit: z.string().min(1).optional(),
    site: z.string().trim().min(1).optional(),
    auditor: z.string().trim().min(1).optional(),
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'pdf: --date must be YYYY-MM-DD')
      .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00+08:00`)), 'pdf: --date is not a real date')
      .optional(),
    out: z.string({ error: 'pdf: --out <file.pdf> is required' }).min(1),
    'fallback-font': z.string().min(1).optional(),
    'no-fallback-font': z.boolean().optional(),
    tz: z
      .string()
      .refine(isTimeZone, {
        error: (issue) =>
          `pdf: --tz ${String(issue.input)} is not a time zone this machine knows (e.g. Asia/Shanghai, UTC)`,
      })
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (v.audit !== undefined) return;
    for (const key of ['rubric', 'answers', 'site', 'auditor'] as const) {
      if (v[key] === undefined)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `pdf: --${key} is required (or give --audit <export>)`,
        });
    }
  });
export type PdfArgs = z.infer<typeof pdfArgsSchema>;

/** `ducha pdf`: an unsealed sheet (未签章) from an answers file, or a sealed one from an app export. */
export async function pdfCommand(args: PdfArgs, io: CliIo): Promise<number> {
  let rubric: Rubric;
  let audit: Audit;
  const images = new Map<string, Uint8Array>();
  let seal: SealedEnvelope | undefined;
  if (args.audit !== undefined) {
    const json = await readJsonFile(args.audit);
    if (!json.ok) {
      for (const issue of json.issues) io.err(`${args.audit}: ${formatIssue(issue)}`);
      return 1;
    }
    const parsed = auditExportSchema.safeParse(json.value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        io.err(`${args.audit}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
      return 1;
    }
    for (const blob of parsed.data.blobs) images.set(blob.id, fromBase64Url(blob.base64url));
    const check = await verifyEnvelope(parsed.data.envelope, nodeVerifier, images);
    if (check.status !== 'valid') {
      const reasons =
        check.status === 'tampered'
          ? check.findings.map((f) => `${f.what}: ${f.message}`)
          : check.issues.map(formatIssue);
      for (const reason of reasons)
        io.err(`${args.audit}: refused, the export does not match its seal: ${reason}`);
      return 1;
    }
    ({ audit, rubric } = check.envelope.payload);
    seal = check.envelope;
  } else {
    const inputs = await loadRubricAndGrades(args.rubric ?? '', args.answers ?? '', io);
    if (inputs === undefined) return 1;
    rubric = inputs.rubric;
    const auditedAt = new Date(
      `${args.date ?? new Date().toISOString().slice(0, 10)}T09:00:00+08:00`,
    ).toISOString();
    const now = new Date().toISOString();
    const answers = Object.entries(inputs.grades).flatMap(([unitId, grade]) =>
      grade === undefined ? [] : [{ unitId, grade, note: '', photoIds: [], updatedAt: now }],
    );
    const isComplete = scoreAudit(rubric, inputs.grades).complete;
    const id = crypto.randomUUID();
    audit = {
      version: AUDIT_FORMAT_VERSION,
      id,
      lineageId: id,
      revision: 1,
      status: isComplete ? 'finalised' : 'draft',
      rubricId: rubric.id,
      rubricFingerprint: rubricFingerprint(rubric),
      site: { id: 'cli', name: args.site ?? '' },
      auditor: args.auditor ?? '',
      auditedAt,
      mode: 'onsite',
      signatures: {},
      createdAt: now,
      updatedAt: now,
      ...(isComplete ? { finalisedAt: now } : {}),
      answers,
    };
  }
  const fonts = await loadSheetFonts(
    args['no-fallback-font'] ? false : (args['fallback-font'] ?? DEFAULT_FALLBACK_FONT),
  );
  // Every time on the sheet is printed in this zone and names it; the zone is recorded for `verify`.
  const timeZone = args.tz ?? DEFAULT_SHEET_TIME_ZONE;
  // A sealed sheet is drawn from the seal alone, exactly as `ducha verify` re-makes it.
  const sheet = seal
    ? renderSealedSheet(seal, { fonts, images, timeZone })
    : renderScoreSheet(rubric, audit, scoreAudit(rubric, gradesOf(audit.answers)), {
        fonts,
        images,
        timeZone,
      });
  if (sheet.missingCharacters.length > 0) {
    io.err(
      `warning: no available font has ${describeMissing(sheet.missingCharacters)}; they are printed as □ and listed on the sheet`,
    );
  }
  await writeFile(args.out, sheet.bytes);
  io.out(
    `${args.out}: ${sheet.pageCount} page(s), ${sheet.bytes.length} bytes, ${seal ? `sealed ${seal.hash.slice(0, 16)}` : '未签章 (unsealed)'}`,
  );
  return 0;
}
