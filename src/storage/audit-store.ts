import type {
  Answer,
  CallTiming,
  AuditExport,
  AuditHeader,
  Grade,
  Rubric,
  SealedEnvelope,
  Signature,
  SignerRole,
  Site,
} from '../domain/index';
import { liveQuery } from 'dexie';
import type { AuditListEntry, AuditRead, StoredAudit } from './audit-reads';
import type { SheetData } from './audit-sheet-export';
import type { NewAudit } from './create-audit';
import type { DuchaDb } from './db';
import { readStoredRubric } from './rubric-reads';
import type { StoreContext } from './store-context';
import {
  getHeader as getHeaderOf,
  getAudit as getAuditOf,
  readAudit as readAuditOf,
  listAudits as listAuditsOf,
  countUnexported as countUnexportedOf,
  markExported as markExportedOf,
} from './audit-reads';
import {
  deleteDraft as deleteDraftOf,
  nextRevisionId as nextRevisionIdOf,
  amend as amendOf,
} from './audit-revisions';
import { getSheetData as getSheetDataOf, exportAudit as exportAuditOf } from './audit-sheet-export';
import { createAudit as createAuditOf } from './create-audit';
import {
  saveGrade as saveGradeOf,
  saveNote as saveNoteOf,
  saveFigure as saveFigureOf,
  saveTiming as saveTimingOf,
  addPhoto as addPhotoOf,
  removePhoto as removePhotoOf,
  getBlob as getBlobOf,
} from './draft-answers';
import {
  saveSignatureDraft as saveSignatureDraftOf,
  clearSignature as clearSignatureOf,
  confirmSignature as confirmSignatureOf,
} from './draft-signatures';
import {
  finalise as finaliseOf,
  getSeal as getSealOf,
  deviceKeyFingerprint as deviceKeyFingerprintOf,
} from './finalise-audit';
import {
  listSites as listSitesOf,
  getRememberedAuditor as getRememberedAuditorOf,
  getSetting as getSettingOf,
  setSetting as setSettingOf,
} from './sites-and-settings';

import { listSiteChoices as listSiteChoicesOf, type SiteChoice } from './server-sites';
import { listRubricChoices as listRubricChoicesOf, type RubricChoice } from './server-rubrics';

export type { AuditRead, StoredAudit, AuditListEntry } from './audit-reads';
export type { SiteChoice } from './server-sites';
export type { RubricChoice } from './server-rubrics';
export { unexportedRevisions } from './audit-reads';
export type { SheetData } from './audit-sheet-export';
export type { NewAudit } from './create-audit';
export { SIGNER_NAME_MAX } from './draft-signatures';

/**
 * Rubrics whose content this build vouches for, by fingerprint: checked with parseRubric when the app was built
 * (build-plugins/shipped-rubrics.ts), so a device need not parse them again. Each loads its own copy.
 */
export type TrustedRubrics = ReadonlyMap<string, () => Promise<Rubric>>;

/**
 * The only way the app reads or writes audits. Every write is one small IndexedDB transaction that
 * re-reads what it changes, so a tap is durable the moment the promise resolves and two tabs editing
 * the same audit merge rather than overwrite. Every row read is parsed with zod.
 */
export class AuditStore {
  private readonly rubricCache = new Map<string, Rubric>();

  constructor(
    readonly db: DuchaDb,
    private readonly now: () => string = () => new Date().toISOString(),
    private readonly newId: () => string = () => crypto.randomUUID(),
    private readonly trustedRubrics: TrustedRubrics = new Map(),
  ) {
    this.ctx = {
      db,
      now,
      newId,
      getRubric: (fingerprint) => this.getRubric(fingerprint),
      answerListeners: new Set(),
    };
  }

  /** What the store's parts (one file per job) share. */
  private readonly ctx: StoreContext;

  /**
   * Another tab opened a newer version of the database. `onChange` is told at once (the app asks the
   * auditor to refresh); this connection stays open until `settled` resolves, so every write already
   * running finishes before it closes (the newer tab waits for it meanwhile). Returns the unsubscribe.
   */
  onVersionChange(onChange: () => void, settled: () => Promise<void>): () => void {
    const handler = () => {
      onChange();
      void settled()
        .catch(() => undefined)
        .then(() => {
          this.db.close();
        });
      return false; // stops Dexie's default handler, which would close at once
    };
    this.db.on('versionchange', handler);
    return () => {
      this.db.on('versionchange').unsubscribe(handler);
    };
  }

  /**
   * The rubric with this fingerprint, parsed once per store. A rubric this build shipped is its own checked
   * copy (the stored copy is not read); any other, e.g. one an earlier version of the app shipped, is read from
   * storage and checked in full: parseRubric, and that its content has the fingerprint it is stored under.
   */
  async getRubric(fingerprint: string): Promise<Rubric> {
    const cached = this.rubricCache.get(fingerprint);
    if (cached) return cached;
    const trusted = this.trustedRubrics.get(fingerprint);
    // A shipped copy that cannot be loaded (its chunk not on the device, offline) falls back to the stored one.
    const rubric = trusted
      ? await trusted().catch(() => readStoredRubric(this.ctx, fingerprint))
      : await readStoredRubric(this.ctx, fingerprint);
    this.rubricCache.set(fingerprint, rubric);
    return rubric;
  }

  listSites(): Promise<Site[]> {
    return listSitesOf(this.ctx);
  }

  /** The 新建考核 site picker: the server's sites, proposals with their state, then this tablet's own. */
  listSiteChoices(): Promise<SiteChoice[]> {
    return listSiteChoicesOf(this.ctx);
  }

  /** The rubric a new audit of each id uses: the newest version a server published, else the shipped one. */
  listRubricChoices(shipped: readonly { readonly rubric: Rubric; readonly fingerprint: string }[]): Promise<RubricChoice[]> {
    return listRubricChoicesOf(this.ctx, shipped);
  }

  /** For the sync modules (plain TS beside the app), which call the storage functions with it. */
  get context(): StoreContext {
    return this.ctx;
  }

  getRememberedAuditor(): Promise<string> {
    return getRememberedAuditorOf(this.ctx);
  }

  getSetting(key: string): Promise<unknown> {
    return getSettingOf(this.ctx, key);
  }

  setSetting(key: string, value: unknown): Promise<void> {
    return setSettingOf(this.ctx, key, value);
  }

  createAudit(input: NewAudit): Promise<AuditHeader> {
    return createAuditOf(this.ctx, input);
  }

  getHeader(id: string): Promise<AuditHeader | undefined> {
    return getHeaderOf(this.ctx, id);
  }

  getAudit(id: string): Promise<StoredAudit | undefined> {
    return getAuditOf(this.ctx, id);
  }

  /** The audit's header, answers and rubric, unscored (a caller that keeps a score up to date itself). */
  readAudit(id: string): Promise<AuditRead | undefined> {
    return readAuditOf(this.ctx, id);
  }

  /**
   * Reads the audit now and again after every write to it, from this tab or another (undefined once it is
   * gone). Returns the unsubscribe. A read that a newer write overtook is dropped, not delivered.
   */
  watchAudit(
    id: string,
    onRead: (read: AuditRead | undefined) => void,
    onError: (error: unknown) => void,
  ): () => void {
    const subscription = liveQuery(() => this.readAudit(id)).subscribe({ next: onRead, error: onError });
    return () => {
      subscription.unsubscribe();
    };
  }

  /**
   * Told of every answer this store has just committed (grade, note, photos, figures, timings), before the
   * write's own promise resolves: a form can show it at once instead of waiting for its next read of the audit.
   */
  onAnswerSaved(listener: (auditId: string, answer: Answer) => void): () => void {
    this.ctx.answerListeners.add(listener);
    return () => {
      this.ctx.answerListeners.delete(listener);
    };
  }

  /** Latest revision of every audit, newest first, with its running score and its revision history. */
  listAudits(): Promise<AuditListEntry[]> {
    return listAuditsOf(this.ctx);
  }

  /** Finalised revisions that have not yet left the device (a corrected revision 1 still counts). */
  countUnexported(): Promise<number> {
    return countUnexportedOf(this.ctx);
  }

  /**
   * Records that these finalised revisions left the device. Call it only once the file was handed over
   * (the download started, the share sheet or file picker resolved), never when it was merely made.
   */
  markExported(ids: readonly string[]): Promise<void> {
    return markExportedOf(this.ctx, ids);
  }

  /** Sets or clears (undefined) one unit's grade. */
  saveGrade(auditId: string, unitId: string, grade: Grade | undefined): Promise<Answer> {
    return saveGradeOf(this.ctx, auditId, unitId, grade);
  }

  /** Sets or clears (undefined) a metric unit's figure for the month. */
  saveFigure(auditId: string, unitId: string, figure: number | undefined): Promise<Answer> {
    return saveFigureOf(this.ctx, auditId, unitId, figure);
  }

  /** Sets or clears (undefined) the call timing of a timed unit (KF01 3): evidence beside the grade, never the grade. */
  saveTiming(auditId: string, unitId: string, timing: CallTiming | undefined): Promise<Answer> {
    return saveTimingOf(this.ctx, auditId, unitId, timing);
  }

  saveNote(auditId: string, unitId: string, note: string): Promise<Answer> {
    return saveNoteOf(this.ctx, auditId, unitId, note);
  }

  addPhoto(auditId: string, unitId: string, blob: Blob): Promise<string> {
    return addPhotoOf(this.ctx, auditId, unitId, blob);
  }

  /** Removes the reference and, in the same transaction, the photo file when this revision added it. */
  removePhoto(auditId: string, unitId: string, photoId: string): Promise<void> {
    return removePhotoOf(this.ctx, auditId, unitId, photoId);
  }

  getBlob(id: string): Promise<Blob | undefined> {
    return getBlobOf(this.ctx, id);
  }

  /** Keeps the signer's name and strokes as they write; any change un-confirms the signature. */
  saveSignatureDraft(
    auditId: string,
    role: SignerRole,
    draft: { name: string; strokes: unknown },
  ): Promise<void> {
    return saveSignatureDraftOf(this.ctx, auditId, role, draft);
  }

  clearSignature(auditId: string, role: SignerRole): Promise<void> {
    return clearSignatureOf(this.ctx, auditId, role);
  }

  /** Confirms a signature: an empty pad or an empty name is refused; the image is stored as a blob. */
  confirmSignature(
    auditId: string,
    role: SignerRole,
    input: { name: string; strokes: unknown; image: Blob },
  ): Promise<Signature> {
    return confirmSignatureOf(this.ctx, auditId, role, input);
  }

  /**
   * Locks and seals the audit. Refused, with every reason, while units are ungraded or signatures
   * missing. Hashing and signing happen outside the transaction (IndexedDB transactions cannot wait
   * for WebCrypto); the write then checks nothing changed meanwhile, and stores the finalised header
   * and its seal together or not at all.
   */
  finalise(auditId: string): Promise<AuditHeader> {
    return finaliseOf(this.ctx, auditId);
  }

  /** The sealed envelope of a finalised audit, checked against its schema. */
  getSeal(auditId: string): Promise<SealedEnvelope | undefined> {
    return getSealOf(this.ctx, auditId);
  }

  /** Everything a score sheet needs: the audit with its answers, its rubric and score, its seal and image bytes. */
  getSheetData(auditId: string): Promise<SheetData> {
    return getSheetDataOf(this.ctx, auditId);
  }

  /**
   * A finalised audit as it leaves the device (`ducha pdf --audit`, head office): seal plus image files.
   * Making it marks nothing: see `markExported`.
   */
  exportAudit(auditId: string): Promise<AuditExport> {
    return exportAuditOf(this.ctx, auditId);
  }

  /** The fingerprint of this device's signing key (created on first use), for the settings screen. */
  deviceKeyFingerprint(): Promise<string> {
    return deviceKeyFingerprintOf(this.ctx);
  }

  /**
   * Deletes a draft with its answers and the images it added, in one transaction. A finalised (sealed)
   * revision is never deleted; deleting a correction's draft leaves the revision it corrects as it was.
   */
  deleteDraft(auditId: string): Promise<void> {
    return deleteDraftOf(this.ctx, auditId);
  }

  /** The id of the revision that corrects this one, if there is one. */
  nextRevisionId(header: Pick<AuditHeader, 'lineageId' | 'revision'>): Promise<string | undefined> {
    return nextRevisionIdOf(this.ctx, header);
  }

  /** Starts revision n+1 of a finalised audit with its answers copied; revision n is left untouched. */
  amend(auditId: string, reason: string): Promise<AuditHeader> {
    return amendOf(this.ctx, auditId, reason);
  }
}
