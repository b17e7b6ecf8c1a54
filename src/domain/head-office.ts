// Head office's part of the domain contract: bundles (read and write), intake of sealed audits, the key
// register and comparison. The auditor's screens import only ./index, so none of this reaches a tablet's
// scoring form (see README.md). It re-exports ./index too, so head-office code needs one entry.
export * from './index';
export {
  KPI_MONTH_VERSION,
  kpiMonthSchema,
  kpiMonthKey,
  type KpiMonth,
} from './kinds/metric/kpi-month';
export { isBelowStandard, kpiFiguresFact, type SiteMonthFigures } from './kinds/metric/kpi-figures';
export { csvRecords, readFiguresCsv, readFigureRecords, hasMetricUnits, type FigureRecord, FIGURES_CSV_HEADERS, type MonthFigures, type RowIssue } from './kinds/metric/figures-csv';
export { isPlainText } from './bounds/plain-text';
export { BUNDLE_FORMAT_VERSION, bundleSchema, bundleShellSchema, type Bundle } from './bundle/bundle-schema';
export {
  BUNDLE_V2_FORMAT_VERSION,
  bundleAuditEntrySchema,
  bundleManifestSchema,
  type BundleAuditEntry,
  type BundleManifest,
} from './bundle/bundle-v2-schema';
export {
  DEFAULT_BUNDLE_LIMITS,
  detectBundleFormat,
  readBundle,
  readBundleV2,
  type BundleContents,
  type BundleFormat,
  type BundleReadOptions,
  type BundleLimits,
} from './bundle/read-bundle';
export { countBundleAudits } from './bundle/count-bundle-audits';
export { auditEntryOf, BundleV2Writer, writeBundleV2 } from './bundle/write-bundle';
export {
  bundleProblemSchema,
  unusedEntrySchema,
  type UnusedEntry,
  fieldProblemOf,
  jsonErrorAt,
  type BundleIssue,
  type BundleProblem,
  type BundleProblemCode,
  type BundleRead,
  type FieldProblem,
} from './bundle/bundle-problem';
export { crc32 } from './encoding/crc32';
export {
  bytesSource,
  formatBytes,
  isSafeEntryName,
  readZipDirectory,
  readZipEntry,
  windowedSource,
  type ByteSource,
} from './bundle/zip-reader';
export {
  checkBundle,
  checkBundleEntry,
  checkSealedEntry,
  type EntryVerdict,
  type ValidEntry,
  type VerifiedBlob,
  type RefusalKind,
} from './bundle/check-bundle';
export {
  enrolledKeySchema,
  enrolKey,
  findKey,
  revokeKey,
  normaliseFingerprint,
  type EnrolledKey,
} from './trust/key-register';
export {
  decideIntake,
  type HoldReason,
  type IntakeDecision,
  type IntakeFacts,
  type StoredRevision,
} from './trust/intake';
export {
  runIntake,
  reconsiderHeld,
  holdReasonSchema,
  intakeReportSchema,
  storedRevisionSchema,
  conflictRecordSchema,
  type ConflictRecord,
  type HeldRef,
  type IntakeChanges,
  type IntakeLookup,
  type HeldEntrySource,
  type IntakeQuery,
  type IntakeReader,
  type IntakeRepository,
  type IntakeReport,
  type IntakeWriter,
} from './trust/run-intake';
export { SHIPPED_RUBRICS, isShippedRubric } from './trust/known-rubrics';
export {
  latestRevisions,
  applyFilter,
  averagePercentTenths,
  rankSites,
  orderRanking,
  divideHalfUp,
  siteTrend,
  heatMap,
  heatKey,
  drillDown,
  previousPeriod,
  rubricChoices,
  type DashboardFilter,
  type SiteRanking,
  type SiteRankingRow,
  type HeatMap,
} from './compare/aggregate';
export {
  RANKING_FORMAT_VERSION,
  rankingDefinitionSchema,
  rankingComponentSchema,
  parseRankingDefinition,
  type RankingComponent,
  type RankingDefinition,
} from './ranking/ranking-schema';
export {
  monthOf,
  rankMonth,
  rankingMonths,
  type ComponentNote,
  type IndicatorBelowTarget,
  type MonthRanking,
  type RankedRow,
  type RankingFact,
  type RankingPart,
  type RankingUnit,
} from './ranking/rank-month';
