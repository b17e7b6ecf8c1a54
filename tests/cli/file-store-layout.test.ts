import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBundle, runIntake, sha256Hex, toBase64Url, verifyEnvelope, type SealedEnvelope } from '../../src/domain/head-office';
import { nodeVerifier } from '../../src/crypto/node-verifier';
import { FileStore } from '../../src/cli/file-store';
import { loadGrades, loadRubric } from '../support/load';
import { finalisedAudit, imagesOf, nodeSigner, sealed } from '../support/sealed-audit';
import { bundleOf, enrolmentOf, entryOf } from '../support/trust';

const kf01 = loadRubric('KF01');
const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ducha-layout-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function twoAudits() {
  const signer = await nodeSigner();
  const make = (id: string, site: string, fixture: string) =>
    sealed(kf01, { ...finalisedAudit(kf01, { ...loadGrades(kf01, fixture) }, { photoUnit: '7' }), id, lineageId: id, site: { id: site, name: site } }, signer);
  return {
    signer,
    envelopes: [
      await make('0f6c2b1a-1111-4aaa-8bbb-000000000001', '甲管理处', 'kf01-mixed'),
      await make('0f6c2b1a-1111-4aaa-8bbb-000000000002', '乙管理处', 'kf01-all-compliant'),
    ],
  };
}

async function importInto(dir: string, envelopes: readonly SealedEnvelope[], signer: Awaited<ReturnType<typeof twoAudits>>['signer']) {
  const store = new FileStore(dir);
  await store.saveKeys([await enrolmentOf(signer, '前台平板 1', '王小明')]);
  const checked = await checkBundle(bundleOf(envelopes.map((e) => entryOf(e))), nodeVerifier);
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
  return runIntake(checked.value, store, nodeVerifier, { source: 'a.ducha', now: () => '2026-12-01T00:00:00.000Z' });
}

describe('the CLI store on disk', () => {
  it('keeps each rubric once and each image once as raw bytes, and reads every audit back exactly as sealed', async () => {
    const { signer, envelopes } = await twoAudits();
    const dir = freshDir();
    const report = await importInto(dir, envelopes, signer);
    expect(report.accepted).toHaveLength(2);
    expect(readdirSync(join(dir, 'rubrics-sealed'))).toEqual([`${kf01Fingerprint(envelopes[0]!)}.json`]);
    // Both audits use the same fixture photo and signature images: three files, named by their SHA-256.
    const images = readdirSync(join(dir, 'images')).sort();
    expect(images).toEqual([...new Set([...imagesOf().values()].map((b) => sha256Hex(b)))].sort());
    for (const name of images) expect(sha256Hex(new Uint8Array(readFileSync(join(dir, 'images', name))))).toBe(name);
    const onDisk = readFileSync(join(dir, 'audits', '0f6c2b1a-1111-4aaa-8bbb-000000000001.json'), 'utf8');
    expect(onDisk).not.toContain('"rubric":');
    expect(onDisk).not.toContain(kf01.title);
    for (const bytes of imagesOf().values()) expect(onDisk).not.toContain(toBase64Url(bytes).slice(0, 40));

    const store = new FileStore(dir);
    for (const envelope of envelopes) {
      const back = await store.get(envelope.payload.audit.id);
      expect(back?.envelope).toEqual(envelope);
      const images = new Map((back?.blobs ?? []).map((b) => [b.id, Buffer.from(b.base64url, 'base64url')]));
      expect(await verifyEnvelope(back?.envelope, nodeVerifier, images)).toMatchObject({ status: 'valid' });
    }
    expect((await store.facts()).map((f) => f.earnedH).sort((a, b) => a - b)).toEqual([6300, 10000]);
  });

  it('still reads an audit written in layout 1 (rubric and base64 images inside)', async () => {
    const { envelopes } = await twoAudits();
    const dir = freshDir();
    const [envelope] = envelopes;
    const legacy = { envelope, blobs: [...imagesOf()].map(([id, bytes]) => ({ id, type: 'image/jpeg', base64url: toBase64Url(bytes) })) };
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'audits'), { recursive: true });
    writeFileSync(join(dir, 'audits', `${envelope!.payload.audit.id}.json`), JSON.stringify(legacy));
    const store = new FileStore(dir);
    expect((await store.all()).map((e) => e.envelope)).toEqual([envelope]);
    expect((await store.facts()).map((f) => f.earnedH)).toEqual([6300]);
  });

  it('says which file is missing when an image or rubric a stored audit names is gone', async () => {
    const { signer, envelopes } = await twoAudits();
    const dir = freshDir();
    await importInto(dir, envelopes.slice(0, 1), signer);
    const [first] = readdirSync(join(dir, 'images'));
    rmSync(join(dir, 'images', first!));
    await expect(new FileStore(dir).all()).rejects.toThrow(/0f6c2b1a-1111-4aaa-8bbb-000000000001\.json: its image .* is missing from the store/);
    rmSync(join(dir, 'rubrics-sealed'), { recursive: true });
    await expect(new FileStore(dir).all()).rejects.toThrow(/its rubric sha256:[0-9a-f]{64} is missing from the store/);
    expect(existsSync(join(dir, 'index.json'))).toBe(true);
  });
});

const kf01Fingerprint = (envelope: SealedEnvelope): string => envelope.payload.audit.rubricFingerprint.replace(/^sha256:/, '');
