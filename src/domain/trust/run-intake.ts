import { z } from 'zod';
import { bundleProblemSchema } from '../bundle/bundle-problem';
import { checkBundleEntry, type EntryVerdict, type ValidEntry } from '../bundle/check-bundle';
import type { SealVerifier } from '../seal/seal';
import { decideIntake, ownerOfKey, type HoldReason, type StoredRevision } from './intake';
import type { EnrolledKey } from './key-register';

import { holdReasonSchema, storedRevisionSchema } from './intake-records';

export { holdReasonSchema, storedRevisionSchema };

/** A refused newcomer beside what it collided with: stores keep these for people to see both sides. */
export const conflictRecordSchema = z.strictObject({
  auditId: z.string(),
  lineageId: z.string(),
  revision: z.number().int().min(1),
  siteName: z.string(),
  incomingHash: z.string(),
  incomingSigner: z.string(),
  existing: storedRevisionSchema,
  message: z.string(),
  at: z.string(),
  source: z.string(),
});
export type ConflictRecord = z.infer<typeof conflictRecordSchema>;

export interface HeldRef {
  readonly auditId: string;
  readonly hash: string;
  readonly reason: HoldReason;
}

export interface IntakeLookup {
  /** Every accepted revision with one of the audit ids, or in one of the lineages, asked for. */
  readonly accepted: readonly StoredRevision[];
  /** Held revisions with one of the audit ids asked for. */
  readonly held: readonly HeldRef[];
  /** Register entries of the key ids asked for. */
  readonly keys: readonly EnrolledKey[];
  /** Of the rubric fingerprints asked for, those shipped with Ducha or accepted by head office. */
  readonly knownRubrics: readonly string[];
  /** The receiving device's own key id, whose seals need no enrolment (the app); none on a server. */
  readonly ownKeyId?: string | undefined;
  /**
   * Whom each key asked for is enrolled to, where the store knows accounts (the server: "user:<id>"); a key
   * not listed stands for the auditor its register entry names.
   */
  readonly keyOwners?: readonly { readonly keyId: string; readonly owner: string }[];
  /**
   * Head office's hand-overs of accepted revisions in the lineages asked for, oldest first: the correction of
   * that revision may then come from the new owner only. Only head office (the server) records them.
   */
  readonly handOvers?: readonly { readonly auditId: string; readonly toOwner: string; readonly at: string }[];
}

export interface IntakeChanges {
  readonly accept: readonly { readonly entry: ValidEntry; readonly source: string }[];
  readonly hold: readonly {
    readonly entry: ValidEntry;
    readonly reason: HoldReason;
    readonly message: string;
    readonly source: string;
  }[];
  /** Held audits to drop from the held list: accepted or refused now. */
  readonly release: readonly string[];
  readonly conflicts: readonly ConflictRecord[];
}

export interface IntakeQuery {
  readonly auditIds: readonly string[];
  readonly lineageIds: readonly string[];
  readonly keyIds: readonly string[];
  readonly rubricFingerprints: readonly string[];
}

/**
 * Reads what the decision needs and nothing else: the accepted revisions of these audits and lineages, what
 * is held of them, the signers' register entries and which rubrics are known. Dexie, the file store and SQL
 * each answer it from their own tables; decideIntake never sees how.
 */
export interface IntakeReader {
  lookup(query: IntakeQuery): Promise<IntakeLookup>;
}

/** Writes one batch of decisions; all or nothing. */
export interface IntakeWriter {
  commit(changes: IntakeChanges): Promise<void>;
}

/** Every held entry as it was received (a sealed-audit file: envelope + blobs), to be checked again. */
export interface HeldEntrySource {
  heldEntries(): Promise<
    readonly {
      readonly auditId: string;
      readonly reason: HoldReason;
      readonly entry: unknown;
      readonly source: string;
    }[]
  >;
}

/** What a receiver implements: the three capabilities runIntake and reconsiderHeld use. */
export type IntakeRepository = IntakeReader & IntakeWriter & HeldEntrySource;

/** What an intake did with each entry. A schema too: the app's import runs in a Web Worker and posts it back. */
export const intakeReportSchema = z.strictObject({
  accepted: z.array(
    z.strictObject({
      auditId: z.string(),
      siteName: z.string(),
      rubricId: z.string(),
      revision: z.number().int().min(1),
      signer: z.string(),
    }),
  ),
  unchanged: z.array(z.string()),
  held: z.array(
    z.strictObject({
      auditId: z.string(),
      siteName: z.string(),
      reason: holdReasonSchema,
      message: z.string(),
      signer: z.string(),
    }),
  ),
  /** Held before, accepted now (a key was enrolled, a rubric accepted, a predecessor arrived). */
  released: z.array(z.string()),
  conflicts: z.array(conflictRecordSchema),
  refused: z.array(
    z.strictObject({
      index: z.number().int(),
      auditId: z.string().optional(),
      kind: z.string(),
      /** In English, for the CLI and the app's 详情; `problem` says the same as data. */
      reason: z.string(),
      problem: bundleProblemSchema,
    }),
  ),
});
export type IntakeReport = z.infer<typeof intakeReportSchema>;

const emptyReport = (): IntakeReport => ({
  accepted: [],
  unchanged: [],
  held: [],
  released: [],
  conflicts: [],
  refused: [],
});

const conflictOf = (
  entry: ValidEntry,
  existing: StoredRevision,
  message: string,
  at: string,
  source: string,
): ConflictRecord => {
  const { audit } = entry.envelope.payload;
  return {
    auditId: audit.id,
    lineageId: audit.lineageId,
    revision: audit.revision,
    siteName: audit.site.name,
    incomingHash: entry.envelope.hash,
    incomingSigner: entry.signer,
    existing,
    message,
    at,
    source,
  };
};

interface Options {
  readonly source: string;
  readonly now: () => string;
  readonly chunkSize?: number;
}

/**
 * Runs verified entries through decideIntake against a store, in revision order so that a predecessor
 * in the same batch is decided before its successor, and commits chunk by chunk (each audit whole).
 */
async function decideAll(
  verdicts: readonly { verdict: EntryVerdict; source: string; wasHeld: boolean }[],
  repo: IntakeRepository,
  options: Options,
  report: IntakeReport,
): Promise<number> {
  let acceptedCount = 0;
  const valid: { entry: ValidEntry; source: string; wasHeld: boolean }[] = [];
  const release: string[] = [];
  for (const { verdict, source, wasHeld } of verdicts) {
    if (verdict.status === 'valid') valid.push({ entry: verdict, source, wasHeld });
    else {
      report.refused.push({
        index: verdict.index,
        auditId: verdict.auditId,
        kind: verdict.kind,
        reason: verdict.reason,
        problem: verdict.problem,
      });
      if (wasHeld && verdict.auditId) release.push(verdict.auditId);
    }
  }
  if (release.length > 0) await repo.commit({ accept: [], hold: [], release, conflicts: [] });
  valid.sort((a, b) => a.entry.envelope.payload.audit.revision - b.entry.envelope.payload.audit.revision);
  const size = options.chunkSize ?? 250;
  for (let start = 0; start < valid.length; start += size) {
    const chunk = valid.slice(start, start + size);
    const audits = chunk.map((v) => v.entry.envelope.payload.audit);
    const found = await repo.lookup({
      auditIds: audits.map((a) => a.id),
      lineageIds: [...new Set(audits.map((a) => a.lineageId))],
      keyIds: [...new Set(chunk.map((v) => v.entry.signer))],
      rubricFingerprints: [...new Set(audits.map((a) => a.rubricFingerprint))],
    });
    const byId = new Map(found.accepted.map((r) => [r.auditId, r]));
    const byPlace = new Map(found.accepted.map((r) => [`${r.lineageId}#${r.revision}`, r]));
    const held = new Map(found.held.map((h) => [h.auditId, h.hash]));
    const heldReasons = new Map(found.held.map((h) => [h.auditId, h.reason]));
    const keys = new Map(found.keys.map((k) => [k.keyId, k]));
    const owners = new Map((found.keyOwners ?? []).map((o) => [o.keyId, o.owner]));
    // Whoever sealed a stored predecessor decides who may correct it: their keys too, when not asked for yet.
    const predecessorSigners = chunk.flatMap(({ entry }) => {
      const { audit } = entry.envelope.payload;
      const previous = audit.revision > 1 ? byPlace.get(`${audit.lineageId}#${audit.revision - 1}`) : undefined;
      return previous !== undefined && !keys.has(previous.signer) ? [previous.signer] : [];
    });
    if (predecessorSigners.length > 0) {
      const more = await repo.lookup({ auditIds: [], lineageIds: [], keyIds: [...new Set(predecessorSigners)], rubricFingerprints: [] });
      for (const k of more.keys) keys.set(k.keyId, k);
      for (const o of more.keyOwners ?? []) owners.set(o.keyId, o.owner);
    }
    const ownerOf = (keyId: string) => ownerOfKey(keyId, keys.get(keyId), owners.get(keyId));
    // Only hand-overs made before the revision arrived: a rebuild (reindex) replays each arrival against what
    // head office had decided by then, so it reaches the decision the upload got.
    const arrivedAt = Date.parse(options.now());
    const handedOver = new Map(
      (found.handOvers ?? []).filter((h) => Date.parse(h.at) <= arrivedAt).map((h) => [h.auditId, h.toOwner]),
    );
    const rubrics = new Set(found.knownRubrics);
    const changes: {
      accept: IntakeChanges['accept'][number][];
      hold: IntakeChanges['hold'][number][];
      release: string[];
      conflicts: ConflictRecord[];
    } = { accept: [], hold: [], release: [], conflicts: [] };
    for (const { entry, source, wasHeld } of chunk) {
      const { payload, hash } = entry.envelope;
      const { audit } = payload;
      const predecessor = byPlace.get(`${audit.lineageId}#${audit.revision - 1}`);
      const decision = decideIntake(entry, {
        key: keys.get(entry.signer),
        isOwnKey: found.ownKeyId !== undefined && entry.signer === found.ownKeyId,
        isRubricKnown: rubrics.has(audit.rubricFingerprint),
        sameId: byId.get(audit.id),
        sameRevision: byPlace.get(`${audit.lineageId}#${audit.revision}`),
        predecessor,
        signerOwner: ownerOf(entry.signer),
        predecessorAuthor:
          predecessor === undefined ? undefined : (handedOver.get(predecessor.auditId) ?? ownerOf(predecessor.signer)),
      });
      const heldHash = held.get(audit.id);
      switch (decision.kind) {
        case 'accept': {
          const stored = {
            auditId: audit.id,
            lineageId: audit.lineageId,
            revision: audit.revision,
            hash,
            signer: entry.signer,
          };
          byId.set(audit.id, stored);
          byPlace.set(`${audit.lineageId}#${audit.revision}`, stored);
          changes.accept.push({ entry, source });
          if (heldHash !== undefined) {
            changes.release.push(audit.id);
            report.released.push(audit.id);
          }
          report.accepted.push({
            auditId: audit.id,
            siteName: audit.site.name,
            rubricId: audit.rubricId,
            revision: audit.revision,
            signer: entry.signer,
          });
          acceptedCount++;
          break;
        }
        case 'unchanged':
          report.unchanged.push(audit.id);
          if (wasHeld) changes.release.push(audit.id);
          break;
        case 'conflict': {
          const record = conflictOf(entry, decision.existing, decision.message, options.now(), source);
          changes.conflicts.push(record);
          report.conflicts.push(record);
          if (wasHeld) changes.release.push(audit.id);
          break;
        }
        case 'hold': {
          report.held.push({
            auditId: audit.id,
            siteName: audit.site.name,
            reason: decision.reason,
            message: decision.message,
            signer: entry.signer,
          });
          if (
            heldHash === undefined ||
            (heldHash === hash && heldReasons.get(audit.id) !== decision.reason)
          ) {
            // New, or still held for another reason than before (its key is enrolled now, its rubric is not):
            // the row must say why it waits today, or nobody can act on it.
            changes.hold.push({ entry, reason: decision.reason, message: decision.message, source });
            held.set(audit.id, hash);
            heldReasons.set(audit.id, decision.reason);
          } else if (heldHash !== hash) {
            // Two different seals of one audit, neither accepted: keep the first, show the second.
            const record = conflictOf(
              entry,
              {
                auditId: audit.id,
                lineageId: audit.lineageId,
                revision: audit.revision,
                hash: heldHash,
                signer: '',
              },
              `another seal of audit ${audit.id} is already held aside`,
              options.now(),
              source,
            );
            report.held.pop();
            changes.conflicts.push(record);
            report.conflicts.push(record);
          }
          break;
        }
        case 'refuse':
          report.refused.push({
            index: entry.index,
            auditId: audit.id,
            kind: 'revoked',
            reason: decision.message,
            problem: { code: 'revoked' },
          });
          if (wasHeld || heldHash !== undefined) changes.release.push(audit.id);
          break;
      }
    }
    await repo.commit(changes);
  }
  return acceptedCount;
}

/**
 * Takes checked bundle entries into a store: accepted, unchanged, held aside, conflicting or refused,
 * each for its own reason. Whatever was held and can now be accepted (its predecessor arrived) is too.
 */
export async function runIntake(
  verdicts: readonly EntryVerdict[],
  repo: IntakeRepository,
  verify: SealVerifier,
  options: Options,
): Promise<IntakeReport> {
  const report = emptyReport();
  const accepted = await decideAll(
    verdicts.map((verdict) => ({ verdict, source: options.source, wasHeld: false })),
    repo,
    options,
    report,
  );
  // Only an arriving predecessor can release a held audit here; an unknown key or rubric waits for an
  // admin's act (reconsiderHeld), so those are not re-verified on every import.
  if (accepted > 0)
    await reconsiderInto(repo, verify, options, report, (h) => h.reason === 'missing-predecessor');
  return report;
}

/**
 * Checks every held audit again (signature and all) and takes in what now passes: after a key is
 * enrolled, a rubric accepted, or a predecessor stored. Repeats while anything was accepted, so a
 * held chain of revisions is released in order.
 */
export async function reconsiderHeld(
  repo: IntakeRepository,
  verify: SealVerifier,
  options: Omit<Options, 'source'>,
): Promise<IntakeReport> {
  const report = emptyReport();
  await reconsiderInto(repo, verify, { ...options, source: 'held' }, report, () => true, true);
  return report;
}

async function reconsiderInto(
  repo: IntakeRepository,
  verify: SealVerifier,
  options: Options,
  report: IntakeReport,
  isCandidate: (held: { readonly reason: HoldReason }) => boolean,
  isReportingStillHeld = false,
): Promise<void> {
  for (let pass = 0; pass < 1000; pass++) {
    const held = (await repo.heldEntries()).filter(isCandidate);
    if (held.length === 0) return;
    const verdicts = [];
    for (const [index, h] of held.entries())
      verdicts.push({
        verdict: await checkBundleEntry(h.entry, index, verify),
        source: h.source,
        wasHeld: true,
      });
    const passReport = emptyReport();
    const accepted = await decideAll(verdicts, repo, options, passReport);
    report.accepted.push(...passReport.accepted);
    report.released.push(...passReport.released);
    report.refused.push(...passReport.refused);
    report.conflicts.push(...passReport.conflicts);
    const released = new Set(passReport.released);
    const stillHeld = report.held.filter((h) => !released.has(h.auditId));
    report.held.splice(0, report.held.length, ...stillHeld);
    if (accepted === 0) {
      if (isReportingStillHeld) report.held.splice(0, report.held.length, ...passReport.held);
      return;
    }
  }
}
