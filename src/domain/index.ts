// The domain's public contract: UI, storage, report and CLI import from here and nowhere deeper.
export { type Issue, type Result, ok, fail, formatPath, formatIssue } from './result';
export {
  RUBRIC_FORMAT_VERSION,
  gradeKeys,
  gradeSchema,
  rubricSchema,
  rubricNodeSchema,
  nodeIdSchema,
  scaleLevelSchema,
  overflowModes,
  RUBRIC_LIMITS,
  type Grade,
  type OverflowMode,
  type Rubric,
  type RubricNode,
  type ScaleLevel,
  type ScaleKey,
} from './rubric/rubric-schema';
export { parseRubric } from './rubric/parse-rubric';
export { rubricLimitIssues } from './rubric/rubric-limits';
export {
  isGradedUnit,
  walkNodes,
  gradedUnits,
  findNode,
  ancestry,
  effectiveMethod,
  effectiveTitle,
  type NodeVisit,
} from './rubric/rubric-tree';
export { rubricFingerprint } from './rubric/fingerprint';
export { canonicalJson, canonicalHash } from './canonical/canonical-json';
export { toHundredths, fromHundredths, applyFactor, percentTenths, fromTenths } from './scoring/hundredths';
export {
  scoreAudit,
  summarizeScore,
  type Grades,
  type NodeScore,
  type NodeState,
  type ScoreResult,
  type ScoreSummary,
} from './scoring/score-audit';
export { parseAnswers, answersFileSchema, type AnswersFile } from './scoring/parse-answers';
export {
  SCORING_RULES_VERSIONS,
  CURRENT_SCORING_RULES,
  scoringRulesVersionSchema,
  supportsOverflow,
  rubricRulesIssues,
  type ScoringRulesVersion,
} from './scoring/scoring-rules';
export { gradeIssues, type GradedAnswer } from './scoring/grade-issues';
export {
  AUDIT_FORMAT_VERSION,
  auditSchema,
  auditHeaderSchema,
  answerSchema,
  siteSchema,
  signatureSchema,
  strokesSchema,
  auditModeSchema,
  auditStatusSchema,
  signerRoleSchema,
  type Audit,
  type AuditHeader,
  type Answer,
  type AuditMode,
  type AuditStatus,
  type Site,
  type Signature,
  type SignerRole,
} from './audit/audit-schema';
export {
  signerRoles,
  createAuditHeader,
  isEditable,
  gradesOf,
  isSignatureComplete,
  finaliseBlockers,
  finaliseAudit,
  amendAudit,
  type NewAuditInput,
  type FinaliseBlockers,
} from './audit/lifecycle';
export {
  SEAL_FORMAT_VERSION,
  publicKeyJwkSchema,
  strictPublicKeyJwkSchema,
  sealedBlobSchema,
  sealedImageTypeSchema,
  sealedScoreSchema,
  sealPayloadSchema,
  sealedEnvelopeSchema,
  type PublicKeyJwk,
  type SealedBlob,
  type SealedImageType,
  type SealedScore,
  type SealPayload,
  type SealedEnvelope,
} from './seal/seal-schema';
export {
  sealAudit,
  verifyEnvelope,
  blobReferences,
  imageTypeOf,
  keyId,
  shortKeyId,
  keyFingerprint,
  rulesOf,
  scoreSealed,
  sha256Hex,
  toSealedScore,
  toBase64Url,
  fromBase64Url,
  type SealSigner,
  type SealVerifier,
  type VerifyOptions,
  type SealInput,
  type SealCheck,
  type TamperFinding,
  type TamperKind,
} from './seal/seal';
export { decodeBase64Url } from './encoding/base64url';
export { signatureForm, toLowS } from './encoding/ecdsa-p256';
export { exceedsDepth, MAX_JSON_DEPTH } from './encoding/json-depth';
export { auditExportSchema, type AuditExport } from './seal/audit-export';
export { blobFileSchema, sealedAuditFileSchema, type SealedAuditFile } from './seal/audit-export';
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
  type BundleFormat,
  type BundleLimits,
} from './bundle/read-bundle';
export { auditEntryOf, BundleV2Writer, writeBundleV2 } from './bundle/write-bundle';
export {
  bundleProblemSchema,
  fieldProblemOf,
  jsonErrorAt,
  type BundleIssue,
  type BundleProblem,
  type BundleProblemCode,
  type BundleRead,
  type FieldProblem,
} from './bundle/bundle-problem';
export { bytesSource, formatBytes, isSafeEntryName, windowedSource, type ByteSource } from './bundle/zip-reader';
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
  deviceKeyFileSchema,
  enrolledKeySchema,
  makeDeviceKeyFile,
  readDeviceKeyFile,
  enrolKey,
  findKey,
  revokeKey,
  normaliseFingerprint,
  type DeviceKeyFile,
  type EnrolledKey,
  type KeyFileContent,
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
  type IntakeRepository,
  type IntakeReport,
} from './trust/run-intake';
export { SHIPPED_RUBRICS, isShippedRubric } from './trust/known-rubrics';
export {
  auditFactFromEnvelope,
  auditFactSchema,
  factSummarySchema,
  unitFactSchema,
  siteKeyOf,
  summaryOf,
  type AuditFact,
  type FactSummary,
  type ItemFact,
  type UnitFact,
} from './compare/audit-fact';
export {
  latestRevisions,
  applyFilter,
  averagePercentTenths,
  rankSites,
  siteTrend,
  heatMap,
  heatKey,
  drillDown,
  previousPeriod,
  type DashboardFilter,
  type SiteRanking,
  type HeatMap,
} from './compare/aggregate';
