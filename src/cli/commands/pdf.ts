import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import {
  AUDIT_FORMAT_VERSION,
  auditExportSchema,
  formatIssue,
  fromBase64Url,
  answersOf,
  rubricFingerprint,
  scoreAudit,
  verifyEnvelope,
  type Audit,
  type SealedEnvelope,
} from '../../domain/index';
import { nodeVerifier } from '../../crypto/node-verifier';
import { isTimeZone } from '../../report/csv';
import { renderScoreSheet } from '../../report/render-score-sheet';
import { isPublicBaseUrl } from '../../report/public-base-url';
import { renderSealedSheet } from '../../report/sealed-sheet';
import { DEFAULT_SHEET_TIME_ZONE } from '../../report/sheet-time';
import { readJsonFile, type CliIo } from '../io';
import { loadRubricAndGrades } from '../load-inputs';
import { DEFAULT_FALLBACK_FONT, describeMissing, loadSheetFonts } from '../../verify/sheet-fonts';

export const pdfArgsSchema = z
  .strictObject({
    rubric: z.string().min(1).optional(),
    answers: z.string().min(1).optional(),
    /** One export, or several (each --audit a file or a directory of them): then --out is a directory. */
    audit: z.array(z.string().min(1)).min(1).optional(),
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
    'public-url': z
      .string()
      .refine(isPublicBaseUrl, {
        error: (issue) =>
          `pdf: --public-url ${String(issue.input)} must be an http(s) address without query, fragment, credentials or trailing slash (e.g. https://ducha.example.com)`,
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

type Fonts = Awaited<ReturnType<typeof loadSheetFonts>>;

/** The audit export in `file`, checked against its seal; undefined (with the reasons printed) otherwise. */
async function readSealedExport(
  file: string,
  io: CliIo,
): Promise<{ seal: SealedEnvelope; images: Map<string, Uint8Array> } | undefined> {
  const json = await readJsonFile(file);
  if (!json.ok) {
    for (const issue of json.issues) io.err(`${file}: ${formatIssue(issue)}`);
    return undefined;
  }
  const parsed = auditExportSchema.safeParse(json.value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      io.err(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    return undefined;
  }
  const images = new Map<string, Uint8Array>();
  for (const blob of parsed.data.blobs) images.set(blob.id, fromBase64Url(blob.base64url));
  const check = await verifyEnvelope(parsed.data.envelope, nodeVerifier, images);
  if (check.status !== 'valid') {
    const reasons =
      check.status === 'tampered'
        ? check.findings.map((f) => `${f.what}: ${f.message}`)
        : check.issues.map(formatIssue);
    for (const reason of reasons) io.err(`${file}: refused, the export does not match its seal: ${reason}`);
    return undefined;
  }
  return { seal: check.envelope, images };
}

/** The sealed sheet of one export written to `out`: drawn from the seal alone, as `ducha verify` re-makes it. */
async function sealedSheetFile(
  file: string,
  out: string,
  fonts: Fonts,
  timeZone: string,
  publicUrl: string | undefined,
  io: CliIo,
): Promise<boolean> {
  const sealed = await readSealedExport(file, io);
  if (sealed === undefined) return false;
  const sheet = renderSealedSheet(sealed.seal, {
    fonts,
    images: sealed.images,
    timeZone,
    ...(publicUrl === undefined ? {} : { publicUrl }),
  });
  warnMissing(sheet.missingCharacters, io);
  await writeFile(out, sheet.bytes);
  io.out(
    `${out}: ${String(sheet.pageCount)} page(s), ${String(sheet.bytes.length)} bytes, sealed ${sealed.seal.hash.slice(0, 16)}`,
  );
  return true;
}

function warnMissing(missing: readonly string[], io: CliIo): void {
  if (missing.length > 0)
    io.err(
      `warning: no available font has ${describeMissing(missing)}; they are printed as □ and listed on the sheet`,
    );
}

/** The export files named: each --audit a file, or a directory whose *.json files are all taken. */
async function exportFiles(
  paths: readonly string[],
  io: CliIo,
): Promise<{ files: string[]; isBatch: boolean } | undefined> {
  const files: string[] = [];
  let isBatch = paths.length > 1;
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      isBatch = true;
      const names = (await readdir(path)).filter((name) => name.endsWith('.json')).sort();
      if (names.length === 0) {
        io.err(`pdf: ${path}: no audit exports (*.json) in this directory`);
        return undefined;
      }
      files.push(...names.map((name) => join(path, name)));
    } else files.push(path);
  }
  return { files, isBatch };
}

/** kf3-site-2026-11-24-r1.ducha-audit.json → kf3-site-2026-11-24-r1.pdf */
const sheetName = (file: string): string => `${basename(file).replace(/(\.ducha-audit)?\.json$/i, '')}.pdf`;

/**
 * `ducha pdf`: an unsealed sheet (未签章) from an answers file, or the sealed sheet of an app export; given
 * several exports (or a directory of them), one sheet each into the --out directory, the fonts loaded and
 * parsed once for all of them.
 */
export async function pdfCommand(args: PdfArgs, io: CliIo): Promise<number> {
  const fonts = await loadSheetFonts(
    args['no-fallback-font'] ? false : (args['fallback-font'] ?? DEFAULT_FALLBACK_FONT),
  );
  // Every time on the sheet is printed in this zone and names it; the zone is recorded for `verify`.
  const timeZone = args.tz ?? DEFAULT_SHEET_TIME_ZONE;
  if (args.audit !== undefined) {
    const named = await exportFiles(args.audit, io);
    if (named === undefined) return 1;
    if (!named.isBatch)
      return (await sealedSheetFile(named.files[0] ?? '', args.out, fonts, timeZone, args['public-url'], io)) ? 0 : 1;
    await mkdir(args.out, { recursive: true });
    const taken = new Set<string>();
    let failed = 0;
    for (const file of named.files) {
      const out = join(args.out, sheetName(file));
      // Two exports of the same name (from different directories) must not overwrite each other's sheet.
      if (taken.has(out)) {
        io.err(`${file}: refused, another export already makes ${out}`);
        failed += 1;
        continue;
      }
      taken.add(out);
      if (!(await sealedSheetFile(file, out, fonts, timeZone, args['public-url'], io))) failed += 1;
    }
    io.out(
      `${String(named.files.length - failed)} of ${String(named.files.length)} sheet(s) written to ${args.out}`,
    );
    return failed === 0 ? 0 : 1;
  }

  const inputs = await loadRubricAndGrades(args.rubric ?? '', args.answers ?? '', io);
  if (inputs === undefined) return 1;
  const { rubric } = inputs;
  const auditedAt = new Date(
    `${args.date ?? new Date().toISOString().slice(0, 10)}T09:00:00+08:00`,
  ).toISOString();
  const now = new Date().toISOString();
  const answers = Object.entries(inputs.grades).flatMap(([unitId, grade]) =>
    grade === undefined ? [] : [{ unitId, grade, note: '', photoIds: [], updatedAt: now }],
  );
  const isComplete = scoreAudit(rubric, inputs.grades).complete;
  const id = crypto.randomUUID();
  const audit: Audit = {
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
  const sheet = renderScoreSheet(rubric, audit, scoreAudit(rubric, answersOf(audit.answers)), {
    fonts,
    images: new Map(),
    timeZone,
  });
  warnMissing(sheet.missingCharacters, io);
  await writeFile(args.out, sheet.bytes);
  io.out(
    `${args.out}: ${String(sheet.pageCount)} page(s), ${String(sheet.bytes.length)} bytes, 未签章 (unsealed)`,
  );
  return 0;
}
