import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeVerifier } from '../../src/crypto/node-verifier';
import { FileStore } from '../support/file-intake-store';
import {
  checkBundleEntry,
  enrolKey,
  keyFingerprint,
  makeDeviceKeyFile,
  readDeviceKeyFile,
  reconsiderHeld,
  revokeKey,
  runIntake,
  toBase64Url,
  type EnrolledKey,
  type IntakeReport,
  type IntakeRepository,
  type SealedEnvelope,
  type SealSigner,
} from '../../src/domain/head-office';
import { openServices, type OpenServices } from '../../src/server/open-services';
import { SqlIntakeRepository, type ReceivedEnvelope } from '../../src/server/intake/sql-intake-repository';
import { imagesOf, nodeSigner } from '../support/sealed-audit';
import { BACKENDS, useBackend, type Backend } from '../server/support/backends';
import { freshAudit, revisionTwo, seal } from '../server/support/uploads';

/**
 * One contract, two stores: the CLI's file store and the server's SQL store (the browser keeps no received
 * audits: head office is the server) each implement the domain's IntakeReader / IntakeWriter / HeldEntrySource, and the same sealed
 * revisions run through the same runIntake / reconsiderHeld must come out the same way in each. What differs
 * per store is only how a key is enrolled or revoked (head office's act, outside intake).
 */
interface Receiver {
  /** Runs the domain's intake with this store's repository (one transaction on SQL). */
  withRepository<T>(run: (repo: IntakeRepository) => Promise<T>): Promise<T>;
  saveKey(key: EnrolledKey): Promise<void>;
  close(): Promise<void>;
}

const NOW = '2026-11-30T00:00:00.000Z';
const entryOf = (envelope: SealedEnvelope): unknown => ({
  envelope,
  blobs: [...imagesOf()].map(([id, bytes]) => ({ id, type: 'image/jpeg', base64url: toBase64Url(bytes) })),
});

function fileReceiver(): Receiver {
  const dir = mkdtempSync(join(tmpdir(), 'ducha-contract-files-'));
  const store = new FileStore(dir);
  return {
    withRepository: (run) => run(store),
    saveKey: async (key) => {
      await store.saveKeys([...(await store.keys()).filter((k) => k.keyId !== key.keyId), key]);
    },
    close: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

async function sqlReceiver(backend: Backend, envelopes: readonly SealedEnvelope[]): Promise<Receiver> {
  const opened: OpenServices = await openServices(await backend.freshConfig());
  const { db, blobs } = opened.services;
  // As an upload does before intake: the received bytes are in the blob store, with where they are.
  const received = new Map<string, ReceivedEnvelope>();
  for (const envelope of envelopes) {
    const { sha256 } = await blobs.put(new TextEncoder().encode(JSON.stringify(envelope)));
    received.set(envelope.hash, { envelopeSha256: sha256, receivedAt: NOW, source: 'contract' });
  }
  for (const bytes of imagesOf().values()) await blobs.put(bytes);
  return {
    withRepository: (run) =>
      db.transaction().execute((trx) => run(new SqlIntakeRepository(trx, blobs, { envelopes: new Map(received) }))),
    saveKey: async (key) => {
      await db
        .insertInto('device_keys')
        .values({
          key_id: key.keyId,
          public_key: JSON.stringify(key.publicKey),
          device_label: key.deviceLabel,
          auditor: key.auditor,
          enrolled_at: key.enrolledAt,
          revoked_at: key.revokedAt ?? null,
          revoked_reason: key.revokedReason ?? null,
        })
        .onConflict((oc) => oc.column('key_id').doUpdateSet({ revoked_at: key.revokedAt ?? null }))
        .execute();
    },
    close: () => opened.close(),
  };
}

/** The sealed revisions every store is given, sealed once so that every store judges the same bytes. */
interface Cast {
  readonly tablet: SealSigner;
  readonly stranger: SealSigner;
  readonly first: SealedEnvelope;
  readonly sameIdOtherSeal: SealedEnvelope;
  readonly byStranger: SealedEnvelope;
  readonly chainOne: SealedEnvelope;
  readonly chainTwo: SealedEnvelope;
  readonly afterRevocation: SealedEnvelope;
  /** Another auditor's tablet (张三) and a second tablet of the first auditor (王小明). */
  readonly otherAuthor: SealSigner;
  readonly secondTablet: SealSigner;
  readonly authoredOne: SealedEnvelope;
  readonly byOtherAuthor: SealedEnvelope;
  readonly bySecondTablet: SealedEnvelope;
}

async function makeCast(): Promise<Cast> {
  const tablet = await nodeSigner();
  const stranger = await nodeSigner();
  const audit = freshAudit();
  const first = await seal(audit, tablet);
  const sameIdOtherSeal = await seal({ ...audit, answers: audit.answers.map((a) => ({ ...a, note: '另一份' })) }, tablet);
  const byStranger = await seal(freshAudit({ site: '陌生小区' }), stranger);
  const chainAudit = freshAudit({ site: '链小区' });
  const chainOne = await seal(chainAudit, tablet);
  const chainTwo = await seal(revisionTwo(chainAudit), tablet, { previousHash: chainOne.hash });
  // Sealed the day after head office revokes the stranger's key (NOW).
  const afterRevocation = await seal(freshAudit({ site: '吊销后' }), stranger, { sealedAt: '2026-12-01T00:00:00.000Z' });
  const otherAuthor = await nodeSigner();
  const secondTablet = await nodeSigner();
  const authored = freshAudit({ site: '作者小区' });
  const authoredOne = await seal(authored, tablet);
  // Both chain to revision 1 exactly; only the second is its author's.
  const byOtherAuthor = await seal(revisionTwo(authored), otherAuthor, { previousHash: authoredOne.hash });
  const bySecondTablet = await seal(revisionTwo(authored), secondTablet, { previousHash: authoredOne.hash });
  return {
    tablet,
    stranger,
    first,
    sameIdOtherSeal,
    byStranger,
    chainOne,
    chainTwo,
    afterRevocation,
    otherAuthor,
    secondTablet,
    authoredOne,
    byOtherAuthor,
    bySecondTablet,
  };
}

const allEnvelopes = (cast: Cast): SealedEnvelope[] => [
  cast.first,
  cast.sameIdOtherSeal,
  cast.byStranger,
  cast.chainOne,
  cast.chainTwo,
  cast.afterRevocation,
  cast.authoredOne,
  cast.byOtherAuthor,
  cast.bySecondTablet,
];

async function enrolledKeyOf(signer: SealSigner, register: readonly EnrolledKey[], auditor = '王小明'): Promise<EnrolledKey> {
  const file = await makeDeviceKeyFile(signer, { deviceLabel: '前台平板 3', auditor, createdAt: NOW });
  if (!file.ok) throw new Error(JSON.stringify(file.issues));
  const content = await readDeviceKeyFile(JSON.parse(JSON.stringify(file.value)), nodeVerifier);
  if (!content.ok) throw new Error(JSON.stringify(content.issues));
  const key = enrolKey(register, content.value, { fingerprint: keyFingerprint(signer.publicKey), at: NOW });
  if (!key.ok) throw new Error(JSON.stringify(key.issues));
  return key.value;
}

async function take(receiver: Receiver, envelopes: readonly SealedEnvelope[]): Promise<IntakeReport> {
  const verdicts = await Promise.all(envelopes.map((envelope, index) => checkBundleEntry(entryOf(envelope), index, nodeVerifier)));
  return receiver.withRepository((repo) => runIntake(verdicts, repo, nodeVerifier, { source: 'contract', now: () => NOW }));
}

const summary = (report: IntakeReport) => ({
  accepted: report.accepted.map((a) => a.auditId).sort(),
  unchanged: report.unchanged,
  held: report.held.map((h) => `${h.auditId}:${h.reason}`).sort(),
  released: [...report.released].sort(),
  conflicts: report.conflicts.map((c) => `${c.auditId}:${c.existing.hash}`),
  refused: report.refused.map((r) => `${r.auditId ?? ''}:${r.kind}`),
});
const none = { accepted: [], unchanged: [], held: [], released: [], conflicts: [], refused: [] };

function runContract(makeReceiver: (cast: Cast) => Promise<Receiver>): void {
  let cast: Cast;
  let receiver: Receiver;
  beforeAll(async () => {
    cast = await makeCast();
    receiver = await makeReceiver(cast);
    await receiver.saveKey(await enrolledKeyOf(cast.tablet, []));
  }, 120_000);
  afterAll(async () => {
    await receiver.close();
  });

  it('decides stored, unchanged, conflict, held, released and refused the same way', async () => {
    const { first, sameIdOtherSeal, byStranger, chainOne, chainTwo, afterRevocation } = cast;
    const idOf = (e: SealedEnvelope) => e.payload.audit.id;

    expect(summary(await take(receiver, [first]))).toEqual({ ...none, accepted: [idOf(first)] });
    expect(summary(await take(receiver, [first]))).toEqual({ ...none, unchanged: [idOf(first)] });
    // Same audit id, another seal: a conflict naming the stored seal, never a replacement.
    expect(summary(await take(receiver, [sameIdOtherSeal]))).toEqual({ ...none, conflicts: [`${idOf(first)}:${first.hash}`] });
    expect(summary(await take(receiver, [byStranger]))).toEqual({ ...none, held: [`${idOf(byStranger)}:unknown-key`] });
    expect(summary(await take(receiver, [chainTwo]))).toEqual({ ...none, held: [`${idOf(chainTwo)}:missing-predecessor`] });
    // The predecessor arrives: both stored, the held revision 2 released by the same run.
    expect(summary(await take(receiver, [chainOne]))).toEqual({
      ...none,
      accepted: [idOf(chainOne), idOf(chainTwo)].sort(),
      released: [idOf(chainTwo)],
    });

    const lookedUp = await receiver.withRepository((repo) =>
      repo.lookup({
        auditIds: allEnvelopes(cast).map(idOf),
        lineageIds: [],
        keyIds: [],
        rubricFingerprints: [],
      }),
    );
    expect(lookedUp.accepted.map((r) => `${r.auditId}#${r.revision}:${r.hash}`).sort()).toEqual(
      [`${idOf(first)}#1:${first.hash}`, `${idOf(chainOne)}#1:${chainOne.hash}`, `${idOf(chainTwo)}#2:${chainTwo.hash}`].sort(),
    );
    expect(lookedUp.held.map((h) => `${h.auditId}:${h.reason}`)).toEqual([`${idOf(byStranger)}:unknown-key`]);

    // Head office enrols the stranger: reconsidering the held list takes its audit in.
    const strangerKey = await enrolledKeyOf(cast.stranger, []);
    await receiver.saveKey(strangerKey);
    const reconsidered = await receiver.withRepository((repo) => reconsiderHeld(repo, nodeVerifier, { now: () => NOW }));
    expect(summary(reconsidered)).toEqual({ ...none, accepted: [idOf(byStranger)], released: [idOf(byStranger)] });

    // Then revokes it (at NOW): what it sealed afterwards is refused, and nothing is written for it.
    const revoked = revokeKey(strangerKey, NOW, '平板丢失');
    if (!revoked.ok) throw new Error(JSON.stringify(revoked.issues));
    await receiver.saveKey(revoked.value);
    expect(summary(await take(receiver, [afterRevocation]))).toEqual({ ...none, refused: [`${idOf(afterRevocation)}:revoked`] });
    const revokedLookup = await receiver.withRepository((repo) =>
      repo.lookup({ auditIds: [idOf(afterRevocation)], lineageIds: [], keyIds: [], rubricFingerprints: [] }),
    );
    expect(revokedLookup.accepted).toEqual([]);
    expect(revokedLookup.held).toEqual([]);
  });

  it('keeps a correction for its author: another auditor’s revision 2 is a conflict, the same auditor’s other tablet’s is stored', async () => {
    const { authoredOne, byOtherAuthor, bySecondTablet, otherAuthor, secondTablet } = cast;
    const idOf = (e: SealedEnvelope) => e.payload.audit.id;
    await receiver.saveKey(await enrolledKeyOf(otherAuthor, [], '张三'));
    await receiver.saveKey(await enrolledKeyOf(secondTablet, [], '王小明'));
    expect(summary(await take(receiver, [authoredOne]))).toEqual({ ...none, accepted: [idOf(authoredOne)] });
    expect(summary(await take(receiver, [byOtherAuthor]))).toEqual({ ...none, conflicts: [`${idOf(byOtherAuthor)}:${authoredOne.hash}`] });
    expect(summary(await take(receiver, [bySecondTablet]))).toEqual({ ...none, accepted: [idOf(bySecondTablet)] });
  });
}

describe('the intake contract on the CLI file store', () => {
  runContract(() => Promise.resolve(fileReceiver()));
});

describe.each(BACKENDS)('the intake contract on the server SQL store, on %s', (backendName) => {
  const backend = useBackend(backendName);
  runContract((cast) => sqlReceiver(backend, allEnvelopes(cast)));
});
