import {
  kpiMonthKey,
  kpiMonthSchema,
  kpiRankingFact,
  readFiguresCsv,
  scoreMonthFigures,
  siteKeyOf,
  type KpiMonth,
  type RankingFact,
  type RowIssue,
  type Rubric,
} from '../domain/head-office';
import type { DuchaDb, KpiMonthRow } from './db';
import { StorageError, toStorageError } from './storage-error';

export type KpiImportOutcome =
  | { readonly ok: true; readonly imported: number; readonly replaced: readonly KpiMonth[] }
  | { readonly ok: false; readonly issues: readonly RowIssue[] };

function parseRow(row: KpiMonthRow): KpiMonth {
  const parsed = kpiMonthSchema.safeParse(row.record);
  if (!parsed.success)
    throw new StorageError('corrupt', `stored KPI month ${row.key} does not match the schema`);
  return parsed.data;
}

/**
 * KPI figures imported on the dashboard: each month × site × rubric scored and kept whole. A file is taken all or
 * nothing: the CSV is checked first (every bad line named), then every record is written in one transaction.
 */
export class KpiMonthStore {
  constructor(
    private readonly db: DuchaDb,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  /** Imports a figures CSV against the KPI rubrics it may name; `replaced` are the records it took the place of. */
  async importCsv(
    text: string,
    rubrics: ReadonlyMap<string, Rubric>,
    source: string,
  ): Promise<KpiImportOutcome> {
    const read = readFiguresCsv(text, rubrics);
    if (!read.ok) return read;
    const importedAt = this.now();
    try {
      return await this.db.transaction('rw', this.db.kpiMonths, async () => {
        const keys = read.value.map((m) => kpiMonthKey({ ...m, siteKey: siteKeyOf({ name: m.site }) }));
        const existing = (await this.db.kpiMonths.bulkGet(keys)).map((row) =>
          row ? parseRow(row) : undefined,
        );
        const rows = read.value.map((figures, i): KpiMonthRow => {
          const rubric = rubrics.get(figures.rubricId);
          if (rubric === undefined) throw new Error(`rubric ${figures.rubricId} was checked but is gone`);
          const revision = (existing[i]?.revision ?? 0) + 1;
          const record = scoreMonthFigures(figures, rubric, { revision, importedAt, source });
          return {
            key: keys[i] ?? kpiMonthKey(record),
            month: record.month,
            rubricId: record.rubricId,
            record,
          };
        });
        await this.db.kpiMonths.bulkPut(rows);
        return { ok: true, imported: rows.length, replaced: existing.filter((m) => m !== undefined) };
      });
    } catch (error) {
      throw toStorageError(error);
    }
  }

  /** Every imported month, newest month first, then by site and rubric. */
  async months(): Promise<KpiMonth[]> {
    try {
      const rows = await this.db.kpiMonths.toArray();
      return rows
        .map(parseRow)
        .sort(
          (a, b) =>
            b.month.localeCompare(a.month) ||
            a.site.localeCompare(b.site, 'zh-CN') ||
            a.rubricId.localeCompare(b.rubricId),
        );
    } catch (error) {
      throw toStorageError(error);
    }
  }

  /** What the monthly ranking reads of the imported months: the same facts as an audit's. */
  async rankingFacts(): Promise<RankingFact[]> {
    return (await this.months()).map(kpiRankingFact);
  }
}
