import type { Rubric } from '../rubric/rubric-schema';
import { gradedUnits } from '../rubric/rubric-tree';
import { fail, ok, type Result } from '../result';
import type { Grades } from '../scoring/score-audit';
import { toHundredths } from '../scoring/hundredths';
import type { UnitAnswer, UnitAnswers } from '../kinds/unit-kind';
import {
  AUDIT_FORMAT_VERSION,
  type Answer,
  type AuditHeader,
  type AuditMode,
  type Signature,
  type SignerRole,
  type Site,
} from './audit-schema';

export const signerRoles: readonly SignerRole[] = ['auditor', 'siteManager'];

export interface NewAuditInput {
  readonly id: string;
  readonly rubric: Rubric;
  readonly rubricFingerprint: string;
  readonly site: Site;
  readonly auditor: string;
  readonly auditedAt: string;
  readonly mode: AuditMode;
  readonly now: string;
}

export function createAuditHeader(input: NewAuditInput): AuditHeader {
  return {
    version: AUDIT_FORMAT_VERSION,
    id: input.id,
    lineageId: input.id,
    revision: 1,
    status: 'draft',
    rubricId: input.rubric.id,
    rubricFingerprint: input.rubricFingerprint,
    site: input.site,
    auditor: input.auditor.trim(),
    auditedAt: input.auditedAt,
    mode: input.mode,
    signatures: {},
    createdAt: input.now,
    updatedAt: input.now,
  };
}

export const isEditable = (audit: Pick<AuditHeader, 'status'>): boolean => audit.status === 'draft';

export function gradesOf(answers: readonly Answer[]): Grades {
  const grades: Record<string, Answer['grade']> = {};
  for (const a of answers) if (a.grade !== undefined) grades[a.unitId] = a.grade;
  return grades;
}

/**
 * What scoring needs from stored answers, whatever each unit's kind: the grade, or the figure in integer
 * hundredths. An answer with neither (a note or a photo only) leaves its unit unanswered.
 */
export function answersOf(answers: readonly Answer[]): UnitAnswers {
  const out: Record<string, UnitAnswer> = {};
  for (const a of answers) {
    if (a.figure !== undefined) out[a.unitId] = { figureH: toHundredths(a.figure) };
    else if (a.grade !== undefined) out[a.unitId] = a.grade;
  }
  return out;
}

export const isSignatureComplete = (s: Signature | undefined): boolean =>
  s !== undefined &&
  s.name.trim() !== '' &&
  s.strokes.length > 0 &&
  s.imageId !== undefined &&
  s.signedAt !== undefined;

/** What still stands between a draft and finalising: ungraded units (in rubric order) and unsigned roles. */
export interface FinaliseBlockers {
  readonly ungraded: readonly string[];
  readonly unsigned: readonly SignerRole[];
}

export function finaliseBlockers(
  rubric: Rubric,
  audit: AuditHeader,
  answers: readonly Answer[],
): FinaliseBlockers {
  const grades = answersOf(answers);
  return {
    ungraded: gradedUnits(rubric)
      .map((u) => u.id)
      .filter((id) => grades[id] === undefined),
    unsigned: signerRoles.filter((role) => !isSignatureComplete(audit.signatures[role])),
  };
}

/** Locks a complete, signed draft. The result is read-only from then on. */
export function finaliseAudit(
  rubric: Rubric,
  audit: AuditHeader,
  answers: readonly Answer[],
  now: string,
): Result<AuditHeader> {
  if (!isEditable(audit)) return fail([{ path: 'status', message: 'the audit is already finalised' }]);
  if (audit.rubricId !== rubric.id)
    return fail([
      { path: 'rubricId', message: `the audit was made with ${audit.rubricId}, not ${rubric.id}` },
    ]);
  const blockers = finaliseBlockers(rubric, audit, answers);
  const issues = [
    ...blockers.ungraded.map((id) => ({ path: `answers["${id}"]`, message: `unit ${id} is not graded` })),
    ...blockers.unsigned.map((role) => ({
      path: `signatures.${role}`,
      message: `the ${role} signature is missing`,
    })),
  ];
  if (issues.length > 0) return fail(issues);
  return ok({ ...audit, status: 'finalised', finalisedAt: now, updatedAt: now });
}

/**
 * Starts the next revision of a finalised audit: same lineage, answers carried over by the caller,
 * signatures cleared (the corrected sheet must be signed again).
 */
export function amendAudit(
  audit: AuditHeader,
  input: { id: string; now: string; reason: string },
): Result<AuditHeader> {
  if (audit.status !== 'finalised')
    return fail([{ path: 'status', message: 'only a finalised audit can be amended' }]);
  const reason = input.reason.trim();
  if (reason === '') return fail([{ path: 'amendReason', message: 'say why the audit is being corrected' }]);
  const { finalisedAt: _finalisedAt, exportedAt: _exportedAt, ...rest } = audit;
  return ok({
    ...rest,
    id: input.id,
    revision: audit.revision + 1,
    previousId: audit.id,
    status: 'draft',
    signatures: {},
    amendReason: reason,
    createdAt: input.now,
    updatedAt: input.now,
  });
}
