// The domain's public contract for scoring on a tablet: UI, storage, report and CLI import from here or, for
// head office's work (bundles, intake, the key register, comparison), from ./head-office, and nowhere deeper.
// Two entries so that the auditor's screens never reach head-office code: a bundler keeps everything an entry
// re-exports in the chunks of whoever imports it (see README.md).
export { type Issue, type Result, ok, fail, formatPath, formatIssue } from './result';
export {
  RUBRIC_FORMAT_VERSION,
  RUBRIC_FORMAT_VERSIONS,
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
export { rescoreUnits } from './scoring/rescore';
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
export { kindOf } from './kinds/unit-kinds';
export type { UnitKind, UnitAnswer, UnitAnswers, UnitOutcome, ReceivedAnswer } from './kinds/unit-kind';
export {
  METRIC_MAX,
  metricNumber,
  metricRuleSchema,
  metricRuleTypes,
  type MetricRule,
  type StepsRule,
} from './kinds/metric/metric-schema';
export { metricEarnedH } from './kinds/metric/metric-score';
export { figureRefusal, type FigureRefusal } from './kinds/metric/metric-kind';
export { readFigure, type FigureProblem } from './kinds/metric/read-figure';
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
  answersOf,
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
export {
  deviceKeyFileSchema,
  makeDeviceKeyFile,
  readDeviceKeyFile,
  type DeviceKeyFile,
  type KeyFileContent,
} from './trust/device-key-file';
export {
  enrolmentProofSchema,
  isEnrolmentProofValid,
  proveEnrolment,
  type EnrolmentProof,
} from './trust/enrolment-proof';
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
export { heatKey } from './compare/heat-key';
// Types cost nothing at run time: the dashboard's components name these without reaching head-office code.
export type { EnrolledKey } from './trust/key-register';
export type { HoldReason } from './trust/intake';
export type { ConflictRecord } from './trust/run-intake';
export type { SiteRanking, HeatMap, drillDown } from './compare/aggregate';
export {
  CALL_TIMING_VERSION,
  TIMED_UNITS,
  callTimingSchema,
  callTimingText,
  secondsText,
  summarizeCallTiming,
  timedUnitOf,
  type CallTiming,
  type CallTimingSummary,
  type TimedUnit,
} from './call-timing/call-timing';
