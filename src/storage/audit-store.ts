import {
  amendAudit,
  blobReferences,
  canonicalJson,
  sealAudit,
  sealedEnvelopeSchema,
  toBase64Url,
  type Audit,
  type AuditExport,
  type SealedEnvelope,
  answerSchema,
  auditHeaderSchema,
  createAuditHeader,
  findNode,
  finaliseAudit,
  formatIssue,
  gradesOf,
  parseRubric,
  rubricFingerprint,
  scoreAudit,
  siteSchema,
  strokesSchema,
  type Answer,
  type AuditHeader,
  type AuditMode,
  type Grade,
  type Rubric,
  type ScoreResult,
  type Signature,
  type SignerRole,
  type Site,
} from '../domain/index';
import { liveQuery } from 'dexie';
import type { AnswerRow, DuchaDb } from './db';
import { getDeviceSigner } from './device-key';
import { StorageError, toStorageError } from './storage-error';

/** An audit as read from storage, before scoring. */
export interface AuditRead {
  readonly header: AuditHeader;
  readonly answers: readonly Answer[];
  readonly rubric: Rubric;
}

export interface StoredAudit extends AuditRead {
  readonly score: ScoreResult;
}

export interface SheetData {
  readonly rubric: Rubric;
  readonly audit: Audit;
  readonly score: ScoreResult;
  readonly images: ReadonlyMap<string, Uint8Array>;
  readonly seal?: SealedEnvelope;
}

export interface AuditListEntry {
  /** The latest revision. */
  readonly header: AuditHeader;
  readonly score: ScoreResult;
  /** Every revision of this audit, newest first (the first entry is `header`). */
  readonly history: readonly AuditHeader[];
}

export interface NewAudit {
  readonly rubric: Rubric;
  readonly site: {
    readonly id?: string;
    readonly name: string;
    readonly code?: string;
    readonly region?: string;
  };
  readonly auditor: string;
  readonly auditedAt: string;
  readonly mode: AuditMode;
}

/**
 * Rubrics whose content this build vouches for, by fingerprint: checked with parseRubric when the app was built
 * (build-plugins/shipped-rubrics.ts), so a device need not parse them again. Each loads its own copy.
 */
export type TrustedRubrics = ReadonlyMap<string, () => Promise<Rubric>>;

const AUDITOR_SETTING = 'auditorName';
/** The signer name's limit (the schema's and the input's). */
export const SIGNER_NAME_MAX = 200;

/** Every finalised revision (not only the latest) that has not been exported or sent. */
export const unexportedRevisions = (entries: readonly AuditListEntry[]): AuditHeader[] =>
  entries.flatMap((e) => e.history.filter((h) => h.status === 'finalised' && h.exportedAt === undefined));

/**
 * The only way the app reads or writes audits. Every write is one small IndexedDB transaction that
 * re-reads what it changes, so a tap is durable the moment the promise resolves and two tabs editing
 * the same audit merge rather than overwrite. Every row read is parsed with zod.
 */
export class AuditStore {
  private readonly rubricCache = new Map<string, Rubric>();
  private readonly answerListeners = new Set<(auditId: string, answer: Answer) => void>();

  constructor(
    readonly db: DuchaDb,
    private readonly now: () => string = () => new Date().toISOString(),
    private readonly newId: () => string = () => crypto.randomUUID(),
    private readonly trustedRubrics: TrustedRubrics = new Map(),
  ) {}

  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toStorageError(error);
    }
  }

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

  // ── rubrics ──────────────────────────────────────────────────────────────

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
      ? await trusted().catch(() => this.readStoredRubric(fingerprint))
      : await this.readStoredRubric(fingerprint);
    this.rubricCache.set(fingerprint, rubric);
    return rubric;
  }

  private async readStoredRubric(fingerprint: string): Promise<Rubric> {
    const row = await this.run(() => this.db.rubrics.get(fingerprint));
    if (!row) throw new StorageError('not_found', `rubric ${fingerprint} is not stored on this device`);
    const parsed = parseRubric(row.content);
    if (!parsed.ok)
      throw new StorageError(
        'corrupt',
        `stored rubric ${fingerprint}: ${parsed.issues.map(formatIssue).join('; ')}`,
      );
    const actual = rubricFingerprint(parsed.value);
    if (actual !== fingerprint)
      throw new StorageError(
        'corrupt',
        `stored rubric ${fingerprint}: its content has the fingerprint ${actual}`,
      );
    return parsed.value;
  }

  // ── sites and remembered settings ────────────────────────────────────────

  async listSites(): Promise<Site[]> {
    const rows = await this.run(() => this.db.sites.orderBy('name').toArray());
    return rows
      .sort((a, b) => b.lastUsedAt.localeCompare(a.lastUsedAt))
      .flatMap(({ lastUsedAt: _lastUsedAt, ...site }) => {
        const parsed = siteSchema.safeParse(site);
        return parsed.success ? [parsed.data] : [];
      });
  }

  async getRememberedAuditor(): Promise<string> {
    const row = await this.run(() => this.db.settings.get(AUDITOR_SETTING));
    return typeof row?.value === 'string' ? row.value : '';
  }

  async getSetting(key: string): Promise<unknown> {
    return (await this.run(() => this.db.settings.get(key)))?.value;
  }

  async setSetting(key: string, value: unknown): Promise<void> {
    await this.run(() => this.db.settings.put({ key, value }));
  }

  // ── audits ───────────────────────────────────────────────────────────────

  async createAudit(input: NewAudit): Promise<AuditHeader> {
    const now = this.now();
    const site = siteSchema.safeParse({
      id: input.site.id ?? this.newId(),
      name: input.site.name,
      ...(input.site.code?.trim() ? { code: input.site.code.trim() } : {}),
      ...(input.site.region?.trim() ? { region: input.site.region.trim() } : {}),
    });
    if (!site.success)
      throw new StorageError('invalid', `site: ${site.error.issues.map((i) => i.message).join('; ')}`);
    const fingerprint = rubricFingerprint(input.rubric);
    const header = auditHeaderSchema.safeParse(
      createAuditHeader({
        id: this.newId(),
        rubric: input.rubric,
        rubricFingerprint: fingerprint,
        site: site.data,
        auditor: input.auditor,
        auditedAt: input.auditedAt,
        mode: input.mode,
        now,
      }),
    );
    if (!header.success)
      throw new StorageError(
        'invalid',
        header.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    await this.run(() =>
      this.db.transaction(
        'rw',
        [this.db.audits, this.db.rubrics, this.db.sites, this.db.settings],
        async () => {
          if (!(await this.db.rubrics.get(fingerprint))) {
            await this.db.rubrics.put({
              fingerprint,
              rubricId: input.rubric.id,
              content: input.rubric,
              storedAt: now,
            });
          }
          await this.db.sites.put({ ...site.data, lastUsedAt: now });
          await this.db.settings.put({ key: AUDITOR_SETTING, value: header.data.auditor });
          await this.db.audits.add(header.data);
        },
      ),
    );
    return header.data;
  }

  private parseHeader(row: unknown): AuditHeader {
    const parsed = auditHeaderSchema.safeParse(row);
    if (!parsed.success) {
      throw new StorageError(
        'corrupt',
        `stored audit does not match the schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    return parsed.data;
  }

  private parseAnswers(rows: readonly AnswerRow[]): Answer[] {
    return rows.map(({ auditId: _auditId, ...row }) => {
      const parsed = answerSchema.safeParse(row);
      if (!parsed.success)
        throw new StorageError(
          'corrupt',
          `stored answer ${row.unitId}: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
        );
      return parsed.data;
    });
  }

  async getHeader(id: string): Promise<AuditHeader | undefined> {
    const row = await this.run(() => this.db.audits.get(id));
    return row === undefined ? undefined : this.parseHeader(row);
  }

  async getAudit(id: string): Promise<StoredAudit | undefined> {
    const read = await this.readAudit(id);
    return read && { ...read, score: scoreAudit(read.rubric, gradesOf(read.answers)) };
  }

  /** The audit's header, answers and rubric, unscored (a caller that keeps a score up to date itself). */
  async readAudit(id: string): Promise<AuditRead | undefined> {
    const [row, answerRows] = await this.run(() =>
      this.db.transaction('r', [this.db.audits, this.db.answers], () =>
        Promise.all([this.db.audits.get(id), this.db.answers.where('auditId').equals(id).toArray()]),
      ),
    );
    if (row === undefined) return undefined;
    const header = this.parseHeader(row);
    const answers = this.parseAnswers(answerRows);
    const rubric = await this.getRubric(header.rubricFingerprint);
    return { header, answers, rubric };
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
   * Told of every answer this store has just committed (grade, note, photos), before the write's own promise
   * resolves: a form can show it at once instead of waiting for its next read of the whole audit.
   */
  onAnswerSaved(listener: (auditId: string, answer: Answer) => void): () => void {
    this.answerListeners.add(listener);
    return () => {
      this.answerListeners.delete(listener);
    };
  }

  /** Latest revision of every audit, newest first, with its running score and its revision history. */
  async listAudits(): Promise<AuditListEntry[]> {
    const [headerRows, answerRows] = await this.run(() =>
      this.db.transaction('r', [this.db.audits, this.db.answers], () =>
        Promise.all([this.db.audits.toArray(), this.db.answers.toArray()]),
      ),
    );
    const answersByAudit = new Map<string, AnswerRow[]>();
    for (const row of answerRows)
      answersByAudit.set(row.auditId, [...(answersByAudit.get(row.auditId) ?? []), row]);
    const lineages = new Map<string, AuditHeader[]>();
    for (const row of headerRows) {
      const header = this.parseHeader(row);
      lineages.set(header.lineageId, [...(lineages.get(header.lineageId) ?? []), header]);
    }
    const entries: AuditListEntry[] = [];
    for (const revisions of lineages.values()) {
      const history = [...revisions].sort((a, b) => b.revision - a.revision);
      const latest = history[0];
      if (latest === undefined) continue;
      const rubric = await this.getRubric(latest.rubricFingerprint);
      const answers = this.parseAnswers(answersByAudit.get(latest.id) ?? []);
      entries.push({ header: latest, history, score: scoreAudit(rubric, gradesOf(answers)) });
    }
    return entries.sort(
      (a, b) =>
        b.header.auditedAt.localeCompare(a.header.auditedAt) ||
        b.header.updatedAt.localeCompare(a.header.updatedAt),
    );
  }

  /** Finalised revisions that have not yet left the device (a corrected revision 1 still counts). */
  async countUnexported(): Promise<number> {
    return unexportedRevisions(await this.listAudits()).length;
  }

  /**
   * Records that these finalised revisions left the device. Call it only once the file was handed over
   * (the download started, the share sheet or file picker resolved), never when it was merely made.
   */
  async markExported(ids: readonly string[]): Promise<void> {
    const at = this.now();
    await this.run(() =>
      this.db.transaction('rw', this.db.audits, async () => {
        for (const id of ids) {
          const row = await this.db.audits.get(id);
          if (row !== undefined && this.parseHeader(row).status === 'finalised')
            await this.db.audits.update(id, { exportedAt: at });
        }
      }),
    );
  }

  /** Runs a change to a draft inside one transaction; refuses finalised (locked) audits. */
  private async changeDraft<T>(auditId: string, work: (header: AuditHeader) => Promise<T>): Promise<T> {
    return this.run(() =>
      this.db.transaction(
        'rw',
        [this.db.audits, this.db.answers, this.db.blobs, this.db.rubrics],
        async () => {
          const header = this.draftHeader(auditId, await this.db.audits.get(auditId));
          const result = await work(header);
          await this.db.audits.update(auditId, { updatedAt: this.now() });
          return result;
        },
      ),
    );
  }

  /** The stored header of a draft; refuses a missing or finalised (locked) audit. */
  private draftHeader(auditId: string, row: unknown): AuditHeader {
    if (row === undefined) throw new StorageError('not_found', `audit ${auditId} does not exist`);
    const header = this.parseHeader(row);
    if (header.status !== 'draft')
      throw new StorageError('locked', `audit ${auditId} is finalised and can no longer be changed`);
    return header;
  }

  private async assertUnit(header: AuditHeader, unitId: string): Promise<void> {
    const rubric = await this.getRubric(header.rubricFingerprint);
    const node = findNode(rubric, unitId);
    if (node === undefined || node.children !== undefined) {
      throw new StorageError('invalid', `"${unitId}" is not a graded unit of ${rubric.id}`);
    }
  }

  private async updateAnswer(
    auditId: string,
    unitId: string,
    change: (current: Answer) => Answer,
    alsoWrite?: () => Promise<unknown>,
  ): Promise<Answer> {
    // A tap waits for this transaction: its reads go out together, and so do its writes (IndexedDB keeps
    // them in order; a refusal anywhere aborts all of it, updatedAt included).
    const saved = await this.run(() =>
      this.db.transaction(
        'rw',
        [this.db.audits, this.db.answers, this.db.blobs, this.db.rubrics],
        async () => {
          const [row, existing] = await Promise.all([
            this.db.audits.get(auditId),
            this.db.answers.get([auditId, unitId]),
          ]);
          const header = this.draftHeader(auditId, row);
          await this.assertUnit(header, unitId);
          await alsoWrite?.();
          const blank: Answer = { unitId, note: '', photoIds: [], updatedAt: this.now() };
          const current = existing ? (this.parseAnswers([existing])[0] ?? blank) : blank;
          const next = answerSchema.safeParse({ ...change(current), unitId, updatedAt: this.now() });
          if (!next.success)
            throw new StorageError(
              'invalid',
              `answer ${unitId}: ${next.error.issues.map((i) => i.message).join('; ')}`,
            );
          await Promise.all([
            this.db.answers.put({ ...next.data, auditId }),
            this.db.audits.update(auditId, { updatedAt: this.now() }),
          ]);
          return next.data;
        },
      ),
    );
    for (const listener of [...this.answerListeners]) {
      try {
        listener(auditId, saved);
      } catch (error) {
        // The answer is stored: a listener's bug must not make the write look failed (and be retried).
        setTimeout(() => {
          throw error;
        });
      }
    }
    return saved;
  }

  private async requireHeader(auditId: string): Promise<AuditHeader> {
    const header = await this.getHeader(auditId);
    if (header === undefined) throw new StorageError('not_found', `audit ${auditId} does not exist`);
    return header;
  }

  /** Sets or clears (undefined) one unit's grade. */
  async saveGrade(auditId: string, unitId: string, grade: Grade | undefined): Promise<Answer> {
    return this.updateAnswer(auditId, unitId, ({ grade: _old, ...rest }) =>
      grade === undefined ? rest : { ...rest, grade },
    );
  }

  async saveNote(auditId: string, unitId: string, note: string): Promise<Answer> {
    return this.updateAnswer(auditId, unitId, (current) => ({ ...current, note }));
  }

  async addPhoto(auditId: string, unitId: string, blob: Blob): Promise<string> {
    const id = this.newId();
    // The blob and the reference are written in one transaction: an answer never points at a missing photo.
    await this.updateAnswer(
      auditId,
      unitId,
      (current) => ({ ...current, photoIds: [...current.photoIds, id] }),
      () =>
        this.db.blobs.put({
          id,
          auditId,
          unitId,
          kind: 'photo',
          blob,
          type: blob.type,
          size: blob.size,
          createdAt: this.now(),
        }),
    );
    return id;
  }

  /** Removes the reference and, in the same transaction, the photo file when this revision added it. */
  async removePhoto(auditId: string, unitId: string, photoId: string): Promise<void> {
    await this.updateAnswer(
      auditId,
      unitId,
      (current) => ({ ...current, photoIds: current.photoIds.filter((p) => p !== photoId) }),
      () => this.deleteOwnBlob(auditId, photoId),
    );
  }

  /**
   * Deletes a blob this revision no longer references, inside the caller's transaction. A blob an earlier
   * revision made (a correction starts from its photos) belongs to that sealed revision and is kept.
   */
  private async deleteOwnBlob(auditId: string, blobId: string | undefined): Promise<void> {
    if (blobId === undefined) return;
    const row = await this.db.blobs.get(blobId);
    if (row?.auditId === auditId) await this.db.blobs.delete(blobId);
  }

  /** The confirmed signature image a change is about to replace or un-confirm, deleted with that change. */
  private async dropSignatureImage(header: AuditHeader, role: SignerRole): Promise<void> {
    await this.deleteOwnBlob(header.id, header.signatures[role]?.imageId);
  }

  async getBlob(id: string): Promise<Blob | undefined> {
    const row = await this.run(() => this.db.blobs.get(id));
    return row?.blob;
  }

  /** Keeps the signer's name and strokes as they write; any change un-confirms the signature. */
  async saveSignatureDraft(
    auditId: string,
    role: SignerRole,
    draft: { name: string; strokes: unknown },
  ): Promise<void> {
    const strokes = strokesSchema.safeParse(draft.strokes);
    if (!strokes.success) throw new StorageError('invalid', 'signature strokes are malformed');
    if (draft.name.length > SIGNER_NAME_MAX)
      throw new StorageError('invalid', `the signer name is longer than ${SIGNER_NAME_MAX} characters`);
    await this.changeDraft(auditId, async (header) => {
      const signature: Signature = { name: draft.name, strokes: strokes.data };
      await this.dropSignatureImage(header, role);
      await this.db.audits.update(auditId, { [`signatures.${role}`]: signature });
    });
  }

  async clearSignature(auditId: string, role: SignerRole): Promise<void> {
    await this.changeDraft(auditId, async (header) => {
      await this.dropSignatureImage(header, role);
      await this.db.audits.update(auditId, { [`signatures.${role}`]: undefined });
    });
  }

  /** Confirms a signature: an empty pad or an empty name is refused; the image is stored as a blob. */
  async confirmSignature(
    auditId: string,
    role: SignerRole,
    input: { name: string; strokes: unknown; image: Blob },
  ): Promise<Signature> {
    const strokes = strokesSchema.safeParse(input.strokes);
    if (!strokes.success || strokes.data.length === 0)
      throw new StorageError('invalid', 'the signature pad is empty');
    const name = input.name.trim();
    if (name === '') throw new StorageError('invalid', 'the signer name is empty');
    if (name.length > SIGNER_NAME_MAX)
      throw new StorageError('invalid', `the signer name is longer than ${SIGNER_NAME_MAX} characters`);
    return this.changeDraft(auditId, async (header) => {
      await this.dropSignatureImage(header, role);
      const imageId = this.newId();
      const signedAt = this.now();
      await this.db.blobs.put({
        id: imageId,
        auditId,
        kind: 'signature',
        blob: input.image,
        type: input.image.type,
        size: input.image.size,
        createdAt: signedAt,
      });
      const signature: Signature = { name, strokes: strokes.data, imageId, signedAt };
      await this.db.audits.update(auditId, { [`signatures.${role}`]: signature });
      return signature;
    });
  }

  /**
   * Locks and seals the audit. Refused, with every reason, while units are ungraded or signatures
   * missing. Hashing and signing happen outside the transaction (IndexedDB transactions cannot wait
   * for WebCrypto); the write then checks nothing changed meanwhile, and stores the finalised header
   * and its seal together or not at all.
   */
  async finalise(auditId: string): Promise<AuditHeader> {
    const stored = await this.getAudit(auditId);
    if (stored === undefined) throw new StorageError('not_found', `audit ${auditId} does not exist`);
    const finalised = finaliseAudit(stored.rubric, stored.header, stored.answers, this.now());
    if (!finalised.ok) {
      throw new StorageError(
        stored.header.status === 'draft' ? 'invalid' : 'locked',
        finalised.issues.map(formatIssue).join('; '),
      );
    }
    const audit: Audit = { ...finalised.value, answers: [...stored.answers] };
    const blobs = new Map<string, { bytes: Uint8Array; type: string }>();
    for (const ref of blobReferences(audit)) {
      const blob = await this.getBlob(ref.id);
      if (blob) blobs.set(ref.id, { bytes: new Uint8Array(await blob.arrayBuffer()), type: blob.type });
    }
    const previousHash = stored.header.previousId
      ? (await this.getSeal(stored.header.previousId))?.hash
      : undefined;
    const signer = await this.run(() => getDeviceSigner(this.db, this.now));
    const sealed = await sealAudit(
      {
        audit,
        rubric: stored.rubric,
        blobs,
        sealedAt: finalised.value.finalisedAt ?? this.now(),
        ...(previousHash ? { previousHash } : {}),
      },
      signer,
    );
    if (!sealed.ok) throw new StorageError('invalid', sealed.issues.map(formatIssue).join('; '));
    const snapshot = canonicalJson({ header: stored.header, answers: stored.answers });
    return this.run(() =>
      this.db.transaction('rw', [this.db.audits, this.db.answers, this.db.seals], async () => {
        const [row, answerRows] = await Promise.all([
          this.db.audits.get(auditId),
          this.db.answers.where('auditId').equals(auditId).toArray(),
        ]);
        const current =
          row === undefined
            ? undefined
            : { header: this.parseHeader(row), answers: this.parseAnswers(answerRows) };
        if (current === undefined || canonicalJson(current) !== snapshot) {
          throw new StorageError('invalid', 'the audit changed while it was being sealed; finalise again');
        }
        await this.db.audits.put(finalised.value);
        await this.db.seals.add({
          auditId,
          hash: sealed.value.hash,
          envelope: sealed.value,
          sealedAt: sealed.value.payload.sealedAt,
        });
        return finalised.value;
      }),
    );
  }

  /** The sealed envelope of a finalised audit, checked against its schema. */
  async getSeal(auditId: string): Promise<SealedEnvelope | undefined> {
    const row = await this.run(() => this.db.seals.get(auditId));
    if (row === undefined) return undefined;
    const parsed = sealedEnvelopeSchema.safeParse(row.envelope);
    if (!parsed.success)
      throw new StorageError('corrupt', `stored seal of ${auditId} does not match the schema`);
    return parsed.data;
  }

  /** Everything a score sheet needs: the audit with its answers, its rubric and score, its seal and image bytes. */
  async getSheetData(auditId: string): Promise<SheetData> {
    const stored = await this.getAudit(auditId);
    if (stored === undefined) throw new StorageError('not_found', `audit ${auditId} does not exist`);
    const audit: Audit = { ...stored.header, answers: [...stored.answers] };
    const images = new Map<string, Uint8Array>();
    for (const ref of blobReferences(audit)) {
      const blob = await this.getBlob(ref.id);
      if (blob) images.set(ref.id, new Uint8Array(await blob.arrayBuffer()));
    }
    const seal = stored.header.status === 'finalised' ? await this.getSeal(auditId) : undefined;
    return { rubric: stored.rubric, audit, score: stored.score, images, ...(seal ? { seal } : {}) };
  }

  /**
   * A finalised audit as it leaves the device (`ducha pdf --audit`, head office): seal plus image files.
   * Making it marks nothing: see `markExported`.
   */
  async exportAudit(auditId: string): Promise<AuditExport> {
    const data = await this.getSheetData(auditId);
    if (!data.seal) throw new StorageError('invalid', 'only a finalised, sealed audit can be exported');
    const types = new Map(data.seal.payload.blobs.map((b) => [b.id, b.type]));
    const exported: AuditExport = {
      format: 'ducha.audit-export',
      version: 1,
      envelope: data.seal,
      blobs: [...data.images].map(([id, bytes]) => ({
        id,
        type: types.get(id) ?? 'image/jpeg',
        base64url: toBase64Url(bytes),
      })),
    };
    return exported; // not yet exported: the caller marks it once the file is handed over
  }

  /** The fingerprint of this device's signing key (created on first use), for the settings screen. */
  async deviceKeyFingerprint(): Promise<string> {
    return (await this.run(() => getDeviceSigner(this.db, this.now))).fingerprint;
  }

  /**
   * Deletes a draft with its answers and the images it added, in one transaction. A finalised (sealed)
   * revision is never deleted; deleting a correction's draft leaves the revision it corrects as it was.
   */
  async deleteDraft(auditId: string): Promise<void> {
    await this.run(() =>
      this.db.transaction('rw', [this.db.audits, this.db.answers, this.db.blobs, this.db.seals], async () => {
        const header = await this.requireHeader(auditId);
        if (header.status !== 'draft' || (await this.db.seals.get(auditId)) !== undefined)
          throw new StorageError('locked', `audit ${auditId} is finalised and can never be deleted`);
        await this.db.answers.where('auditId').equals(auditId).delete();
        await this.db.blobs.where('auditId').equals(auditId).delete();
        await this.db.audits.delete(auditId);
      }),
    );
  }

  /** The id of the revision that corrects this one, if there is one. */
  async nextRevisionId(header: Pick<AuditHeader, 'lineageId' | 'revision'>): Promise<string | undefined> {
    const next = await this.run(() =>
      this.db.audits
        .where('[lineageId+revision]')
        .equals([header.lineageId, header.revision + 1])
        .first(),
    );
    return next?.id;
  }

  /** Starts revision n+1 of a finalised audit with its answers copied; revision n is left untouched. */
  async amend(auditId: string, reason: string): Promise<AuditHeader> {
    return this.run(() =>
      this.db.transaction('rw', [this.db.audits, this.db.answers], async () => {
        const header = await this.requireHeader(auditId);
        const newer = await this.db.audits
          .where('[lineageId+revision]')
          .equals([header.lineageId, header.revision + 1])
          .first();
        if (newer !== undefined)
          throw new StorageError('invalid', `revision ${header.revision + 1} of this audit already exists`);
        const next = amendAudit(header, { id: this.newId(), now: this.now(), reason });
        if (!next.ok) throw new StorageError('invalid', next.issues.map(formatIssue).join('; '));
        const answers = await this.db.answers.where('auditId').equals(auditId).toArray();
        await this.db.audits.add(next.value);
        await this.db.answers.bulkAdd(answers.map((a) => ({ ...a, auditId: next.value.id })));
        return next.value;
      }),
    );
  }
}
