import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import {
  hasMetricUnits,
  isPlainText,
  parseRubric,
  readFigureRecords,
  toHundredths,
  type FigureRecord,
  type RowIssue,
  type Rubric,
} from '../../domain/head-office';
import type { Database } from '../db/tables';
import { readFiguresFile, type FiguresEncoding } from './read-figures-file';

const SHIPPED_KPI_RUBRICS = ['KPI-CC', 'KPI-YYT'] as const;

function shippedRubric(id: string): Rubric {
  const parsed = parseRubric(JSON.parse(readFileSync(new URL(`../../../rubrics/${id}.json`, import.meta.url), 'utf8')));
  if (!parsed.ok) throw new Error(`rubrics/${id}.json is not a valid rubric`);
  return parsed.value;
}

/**
 * The KPI rubrics figures are read and scored against: the newest version of each published here, else the
 * shipped one. A published rubric with metric units counts too (head office may publish a new KPI rubric).
 */
export async function kpiRubrics(db: Kysely<Database>): Promise<Map<string, Rubric>> {
  const rubrics = new Map<string, Rubric>(SHIPPED_KPI_RUBRICS.map((id) => [id, shippedRubric(id)]));
  const published = await db.selectFrom('published_rubrics').select(['rubric']).orderBy('change_seq').execute();
  for (const row of published) {
    const parsed = parseRubric(row.rubric);
    if (parsed.ok && hasMetricUnits(parsed.value)) rubrics.set(parsed.value.id, parsed.value);
  }
  return rubrics;
}

interface SiteRef {
  readonly siteKey: string;
  readonly siteName: string;
}

/**
 * The site each 被考核单位 cell names, keyed as the audits are on the server: a site here by its code or its name
 * is `code:<code>`; otherwise a name audits were already received under keeps that key. Anything else is refused
 * with its line: a figure filed under a misspelt name would rank as a site of its own.
 */
async function resolveSites(db: Kysely<Database>, records: readonly FigureRecord[]): Promise<{ sites: Map<string, SiteRef>; issues: RowIssue[] }> {
  // A cell with a NUL would fail the query itself; readFigureRecords refuses it with its line.
  const cells = [...new Set(records.slice(1).map((r) => (r.fields[1] ?? '').trim()).filter((c) => c !== '' && isPlainText(c)))];
  const sites = new Map<string, SiteRef>();
  if (cells.length === 0) return { sites, issues: [] };
  const known = await db
    .selectFrom('sites')
    .select(['code', 'name'])
    .where((eb) => eb.or([eb('code', 'in', cells.map((c) => c.toUpperCase())), eb('name', 'in', cells)]))
    .execute();
  for (const cell of cells) {
    const site = known.find((s) => s.code === cell.toUpperCase()) ?? known.find((s) => s.name === cell);
    if (site) sites.set(cell, { siteKey: `code:${site.code}`, siteName: site.name });
  }
  const rest = cells.filter((c) => !sites.has(c));
  if (rest.length > 0) {
    const audited = await db.selectFrom('accepted_revisions').select(['site_key', 'site_name']).distinct().where('site_name', 'in', rest).execute();
    for (const row of audited) if (!sites.has(row.site_name)) sites.set(row.site_name, { siteKey: row.site_key, siteName: row.site_name });
  }
  const issues = records
    .slice(1)
    .filter((r) => r.fields.length === 5 && cells.includes((r.fields[1] ?? '').trim()) && !sites.has((r.fields[1] ?? '').trim()))
    .map((r) => ({ line: r.line, reason: `没有这个被考核单位“${(r.fields[1] ?? '').trim()}”：请写管理处编号或名称（与管理处列表或已收到的考核一致）` }));
  return { sites, issues };
}

export interface KpiUploadInput {
  readonly bytes: Uint8Array;
  readonly fileName: string;
  readonly userId: number | null;
  readonly uploadedBy: string;
  readonly at: string;
}

export interface KpiUploadOutcome {
  readonly uploadId: number;
  readonly fileSha256: string;
  readonly encoding: FiguresEncoding;
  readonly figures: number;
  readonly newVersions: number;
  readonly unchanged: number;
}

/**
 * Takes in a figures file whole or not at all: every line is checked (encoding, header, month, site, rubric,
 * indicator, figure) and every problem is reported with its line before anything is written. Then, in one
 * transaction, the upload is recorded (who, when, SHA-256, encoding) and each figure that differs from the newest
 * stored version becomes version n+1 beside it: nothing is overwritten, the history keeps every version.
 */
export async function uploadKpiFigures(
  db: Kysely<Database>,
  input: KpiUploadInput,
): Promise<{ ok: true; value: KpiUploadOutcome } | { ok: false; issues: readonly RowIssue[] }> {
  const file = await readFiguresFile(input.bytes);
  if (!file.ok) return file;
  const rubrics = await kpiRubrics(db);
  const read = readFigureRecords(file.records, rubrics);
  const { sites, issues: siteIssues } = await resolveSites(db, file.records);
  const issues = [...(read.ok ? [] : read.issues), ...siteIssues].sort((a, b) => a.line - b.line);
  if (!read.ok || issues.length > 0) return { ok: false, issues };

  const figures = read.value.flatMap((m) => {
    const site = sites.get(m.site.trim());
    if (!site) return [];
    return Object.entries(m.figures).map(([unitId, figure]) => ({ month: m.month, ...site, rubricId: m.rubricId, unitId, figureH: toHundredths(figure) }));
  });
  const fileSha256 = createHash('sha256').update(input.bytes).digest('hex');
  const outcome = await db.transaction().execute(async (trx) => {
    // Versions are numbered max + 1: one upload at a time, so two never take the same number.
    await sql`lock table kpi_figures in share row exclusive mode`.execute(trx);
    const upload = await trx
      .insertInto('kpi_uploads')
      .values({
        user_id: input.userId,
        uploaded_by: input.uploadedBy,
        uploaded_at: input.at,
        file_name: input.fileName,
        file_sha256: fileSha256,
        encoding: file.encoding,
        figures: figures.length,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const months = [...new Set(figures.map((f) => f.month))];
    const newest =
      months.length === 0
        ? []
        : await trx
            .selectFrom('kpi_figures')
            .select(['month', 'site_key', 'rubric_id', 'unit_id', 'version', 'figure_h'])
            .where('month', 'in', months)
            .orderBy('version', 'desc')
            .execute();
    const current = new Map<string, { version: number; figureH: number }>();
    for (const row of newest) {
      const key = JSON.stringify([row.month, row.site_key, row.rubric_id, row.unit_id]);
      if (!current.has(key)) current.set(key, { version: row.version, figureH: row.figure_h });
    }
    const fresh = figures.flatMap((f) => {
      const before = current.get(JSON.stringify([f.month, f.siteKey, f.rubricId, f.unitId]));
      if (before?.figureH === f.figureH) return [];
      return [{ ...f, version: (before?.version ?? 0) + 1 }];
    });
    if (fresh.length > 0)
      await trx
        .insertInto('kpi_figures')
        .values(
          fresh.map((f) => ({
            month: f.month,
            site_key: f.siteKey,
            site_name: f.siteName,
            rubric_id: f.rubricId,
            unit_id: f.unitId,
            version: f.version,
            figure_h: f.figureH,
            upload_id: upload.id,
          })),
        )
        .execute();
    return { uploadId: upload.id, newVersions: fresh.length };
  });
  return {
    ok: true,
    value: { ...outcome, fileSha256, encoding: file.encoding, figures: figures.length, unchanged: figures.length - outcome.newVersions },
  };
}

export interface KpiFigureVersionRow {
  readonly month: string;
  readonly siteKey: string;
  readonly siteName: string;
  readonly rubricId: string;
  readonly unitId: string;
  readonly version: number;
  readonly figure: number;
  readonly uploadId: number;
  readonly uploadedBy: string;
  readonly uploadedAt: string;
  readonly fileName: string;
  readonly fileSha256: string;
  readonly encoding: string;
  readonly isCurrent: boolean;
}

/** Every stored version (the newest of each figure marked current), by month, site, rubric, indicator, version. */
export async function kpiFigureHistory(db: Kysely<Database>, month?: string, siteKeys?: readonly string[]): Promise<KpiFigureVersionRow[]> {
  let query = db
    .selectFrom('kpi_figures as f')
    .innerJoin('kpi_uploads as u', 'u.id', 'f.upload_id')
    .select(['f.month', 'f.site_key', 'f.site_name', 'f.rubric_id', 'f.unit_id', 'f.version', 'f.figure_h', 'f.upload_id', 'u.uploaded_by', 'u.uploaded_at', 'u.file_name', 'u.file_sha256', 'u.encoding'])
    .orderBy('f.month')
    .orderBy('f.site_key')
    .orderBy('f.rubric_id')
    .orderBy('f.unit_id')
    .orderBy('f.version');
  if (month !== undefined) query = query.where('f.month', '=', month);
  if (siteKeys !== undefined) query = siteKeys.length === 0 ? query.where(sql<boolean>`false`) : query.where('f.site_key', 'in', [...siteKeys]);
  const rows = await query.execute();
  const newest = new Map<string, number>();
  for (const r of rows) newest.set(JSON.stringify([r.month, r.site_key, r.rubric_id, r.unit_id]), r.version);
  return rows.map((r) => ({
    month: r.month,
    siteKey: r.site_key,
    siteName: r.site_name,
    rubricId: r.rubric_id,
    unitId: r.unit_id,
    version: r.version,
    figure: r.figure_h / 100,
    uploadId: r.upload_id,
    uploadedBy: r.uploaded_by,
    uploadedAt: r.uploaded_at.toISOString(),
    fileName: r.file_name,
    fileSha256: r.file_sha256,
    encoding: r.encoding,
    isCurrent: newest.get(JSON.stringify([r.month, r.site_key, r.rubric_id, r.unit_id])) === r.version,
  }));
}
