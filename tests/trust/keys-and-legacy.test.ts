import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bundleSchema,
  decodeBase64Url,
  deviceKeyFileSchema,
  keyFingerprint,
  keyId,
  makeDeviceKeyFile,
  publicKeyJwkSchema,
  readDeviceKeyFile,
  sealedEnvelopeSchema,
  signatureForm,
  toBase64Url,
  toLowS,
  type SealSigner,
} from '../../src/domain/head-office';
import { webCryptoVerifier } from '../../src/crypto/webcrypto-verifier';
import { FileStore } from '../../src/cli/file-store';
import { runCli } from '../../src/cli/run-cli';
import { repoRoot } from '../support/load';
import { nodeSigner } from '../support/sealed-audit';
import { highS } from '../support/trust';

const dir = mkdtempSync(join(tmpdir(), 'ducha-keys-'));
let tablet: SealSigner;
let thief: SealSigner;

async function run(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await runCli(args, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  return { code, out: lines.join('\n') };
}

async function keyFileOf(signer: SealSigner, name: string, deviceLabel = '前台平板 3'): Promise<string> {
  const file = await makeDeviceKeyFile(signer, { deviceLabel, auditor: '王小明', createdAt: '2026-11-01T00:00:00.000Z' });
  if (!file.ok) throw new Error('key file');
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(file.value));
  return path;
}

beforeAll(async () => {
  tablet = await nodeSigner();
  thief = await nodeSigner();
});

describe('ECDSA and base64url have one form each', () => {
  it('normalises signatures to low-S and tells the twins apart', async () => {
    const data = new TextEncoder().encode('督查');
    for (let i = 0; i < 8; i++) {
      const low = toLowS(await tablet.sign(data));
      expect(signatureForm(low)).toBe('low-s');
      const high = highS(low);
      expect(signatureForm(high)).toBe('high-s');
      // Both verify with WebCrypto: that is exactly why a receiver must refuse one of them.
      expect(await webCryptoVerifier(tablet.publicKey, high, data)).toBe(true);
      expect(toLowS(high)).toEqual(low);
    }
    expect(signatureForm(new Uint8Array(64))).toBe('invalid');
    expect(signatureForm(new Uint8Array(63).fill(1))).toBe('invalid');
  });

  it('decodes only canonical base64url', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n) & 255);
      const text = toBase64Url(bytes);
      const back = decodeBase64Url(text);
      expect(back.ok && back.value).toEqual(bytes);
    }
    expect(toBase64Url(new Uint8Array([251, 255]))).toBe('-_8');
    expect(decodeBase64Url('-_8').ok).toBe(true);
    expect(decodeBase64Url('-_9').ok).toBe(false); // same bytes, a stray tail bit
    expect(decodeBase64Url('-_8=').ok).toBe(false);
    expect(decodeBase64Url('-_ 8').ok).toBe(false);
    expect(decodeBase64Url('A').ok).toBe(false);
    expect(decodeBase64Url('QQ').ok).toBe(true);
    expect(decodeBase64Url('QR').ok).toBe(false);
  });
});

describe('ducha keys: a bundle or a key file never enrols a key by itself', { timeout: 30_000 }, () => {
  it('shows the fingerprint and enrols only when the admin confirms the one the tablet shows', async () => {
    const store = join(dir, 'store-a');
    const file = await keyFileOf(tablet, 'tablet.ducha-key');
    const fingerprint = keyFingerprint(tablet.publicKey);

    const asked = await run('keys', 'add', file, '--store', store);
    expect(asked.code).toBe(1);
    expect(asked.out).toContain(`key ${fingerprint} of 前台平板 3 (王小明)`);
    expect(await new FileStore(store).keys()).toEqual([]);

    const wrong = await run('keys', 'add', file, '--fingerprint', keyFingerprint(thief.publicKey), '--store', store);
    expect(wrong.code).toBe(1);
    expect(wrong.out).toMatch(/is not this key's/);

    const added = await run('keys', 'add', file, '--fingerprint', fingerprint.toUpperCase().replace(/ /g, '-'), '--store', store);
    expect(added.code).toBe(0);
    expect(added.out).toContain(`enrolled ${fingerprint}: 前台平板 3 / 王小明`);
    const keys = await new FileStore(store).keys();
    expect(keys.map((k) => [k.keyId, k.deviceLabel, k.auditor])).toEqual([[keyId(tablet.publicKey), '前台平板 3', '王小明']]);

    expect((await run('keys', 'add', file, '--fingerprint', fingerprint, '--store', store)).out).toMatch(/already enrolled/);
    expect((await run('keys', 'list', '--store', store)).out).toMatch(new RegExp(`${fingerprint}  前台平板 3  王小明  enrolled `));

    const revoked = await run('keys', 'revoke', fingerprint, '--reason', '平板丢失', '--store', store);
    expect(revoked.code).toBe(0);
    expect((await run('keys', 'list', '--store', store)).out).toMatch(/REVOKED .* \(平板丢失\)/);
    const again = await run('keys', 'add', file, '--fingerprint', fingerprint, '--store', store);
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/revoked .* never enrolled again/);
  });

  it('refuses a key file whose label was changed, or whose key was swapped, after it was made', async () => {
    const file = await keyFileOf(tablet, 'genuine.ducha-key');
    const json = deviceKeyFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    const relabelled = { ...json, auditor: '李四' };
    expect((await readDeviceKeyFile(relabelled, webCryptoVerifier)).ok).toBe(false);
    // The thief's key under the tablet's signature: the key named did not sign it.
    const swapped = { ...json, publicKey: publicKeyJwkSchema.parse(thief.publicKey) };
    const read = await readDeviceKeyFile(swapped, webCryptoVerifier);
    expect(read.ok ? 'ok' : read.issues.map((i) => i.path)).toEqual(['signature']);
    writeFileSync(join(dir, 'swapped.ducha-key'), JSON.stringify(swapped));
    const cli = await run('keys', 'add', join(dir, 'swapped.ducha-key'), '--fingerprint', keyFingerprint(thief.publicKey), '--store', join(dir, 'store-b'));
    expect(cli.code).toBe(1);
    expect(cli.out).toMatch(/not signed by the key it names/);
    for (const junk of [null, 1, 'x', [], { format: 'ducha.device-key' }]) expect((await readDeviceKeyFile(junk, webCryptoVerifier)).ok).toBe(false);
  });
});

describe('seals made by the released app (format v1, rules v1, KF3 with cap)', { timeout: 30_000 }, () => {
  const legacy = join(repoRoot, 'tests', 'fixtures', 'legacy', 'bundle-v1.ducha');

  it('still verify and import, scored with the rules they were sealed with', async () => {
    const store = join(dir, 'legacy-store');
    const audits = bundleSchema.parse(JSON.parse(readFileSync(legacy, 'utf8'))).audits;
    // Those tablets' private keys are gone, so no key file can be made: enrol their public keys directly.
    const envelopes = audits.map((a) => sealedEnvelopeSchema.parse(a.envelope));
    expect(envelopes.map((e) => [e.payload.version, e.payload.rules])).toEqual([
      [1, undefined],
      [1, undefined],
    ]);
    await new FileStore(store).saveKeys(
      envelopes.map((e, i) => ({
        version: 1 as const,
        keyId: keyId(e.payload.publicKey),
        publicKey: e.payload.publicKey,
        deviceLabel: `旧平板 ${i + 1}`,
        auditor: '王小明',
        enrolledAt: '2026-11-01T00:00:00.000Z',
      })),
    );
    const verified = await run('verify', legacy, '--store', store);
    expect(verified.code).toBe(0);
    expect(verified.out).toContain('2 valid, 0 signer not enrolled, 0 refused');
    // Every file named is checked, and the exit code is the worst outcome: the legacy sheet cannot be
    // re-made (no renderer version), so 3, although the bundle beside it is valid.
    const legacySheet = join(repoRoot, 'tests', 'fixtures', 'legacy', 'kf01-sheet-before-renderer-versions.pdf');
    const both = await run('verify', legacy, legacySheet, '--store', store);
    expect(both.out).toContain(`${legacy}: 2 valid`);
    expect(both.out).toContain(`${legacySheet}: cannot check — made before renderer versions were recorded`);
    expect(both.code).toBe(3);
    const imported = await run('import', legacy, '--store', store);
    expect(imported.code).toBe(0);
    expect(readdirSync(join(store, 'audits'))).toHaveLength(2);
    const facts = await new FileStore(store).facts();
    const kf3 = facts.find((f) => f.rubricId === 'KF3');
    // kf3-cap-hit under rules 1 (cap): 二 = min(40, 8+6+6+8+6+4.8+3.6 = 42.4) = 40; total 40 of 170.
    // Re-scored under deduct it would be 36.4; the seal's own rules decide.
    expect(kf3?.items.find((i) => i.id === '2')).toMatchObject({ earnedH: 4000, possibleH: 4000 });
    expect([kf3?.earnedH, kf3?.possibleH]).toEqual([4000, 17000]);
    const kf01 = facts.find((f) => f.rubricId === 'KF01');
    expect([kf01?.earnedH, kf01?.possibleH]).toEqual([6300, 9500]);
  });
});

describe('a rubric version head office does not know', { timeout: 30_000 }, () => {
  it('is held aside, not compared as "KF01", until head office accepts that version', async () => {
    const { loadRubric, loadGrades } = await import('../support/load');
    const { finalisedAudit, sealed } = await import('../support/sealed-audit');
    const { rubricFingerprint, toBase64Url: b64 } = await import('../../src/domain/head-office');
    const { imagesOf } = await import('../support/sealed-audit');
    const store = join(dir, 'rubric-store');
    const kf01 = loadRubric('KF01');
    // A locally edited KF01: valid by every rule, but not a version Ducha shipped.
    const edited = { ...kf01, title: `${kf01.title}(试行)` };
    const audit = { ...finalisedAudit(edited, { ...loadGrades(kf01, 'kf01-mixed') }, { photoUnit: '7' }), rubricFingerprint: rubricFingerprint(edited) };
    const envelope = await sealed(edited, audit, tablet);
    const bundle = join(dir, 'edited.ducha');
    writeFileSync(
      bundle,
      JSON.stringify({
        format: 'ducha.bundle',
        version: 1,
        createdAt: '2026-11-30T00:00:00.000Z',
        audits: [{ envelope, blobs: [...imagesOf()].map(([id, bytes]) => ({ id, type: 'image/jpeg', base64url: b64(bytes) })) }],
      }),
    );
    // Unknown key and unknown rubric at once: held for the key first, then, once the key is enrolled,
    // still held, and now saying it is the rubric that waits (so someone can act on it).
    const imported = await run('import', bundle, '--store', store);
    expect(imported.code).toBe(3);
    expect(imported.out).toMatch(/held \(待确认签名\)/);
    const keyFile = await keyFileOf(tablet, 'rubric-tablet.ducha-key');
    const enrolled = await run('keys', 'add', keyFile, '--fingerprint', keyFingerprint(tablet.publicKey), '--store', store);
    expect(enrolled.out).toContain('0 held audits now stored, 1 still held');
    expect((await run('held', '--store', store)).out).toMatch(/held \S+ unknown-rubric: scored against a KF01 version head office does not know/);
    expect(await new FileStore(store).facts()).toEqual([]);
    const rubricFile = join(dir, 'KF01-trial.json');
    writeFileSync(rubricFile, JSON.stringify(edited));
    const accepted = await run('rubrics', 'accept', rubricFile, '--store', store);
    expect(accepted.code).toBe(0);
    expect(accepted.out).toContain(`KF01 ${rubricFingerprint(edited)} accepted`);
    expect(accepted.out).toContain('1 held audits now stored, 0 still held');
    expect((await new FileStore(store).facts()).map((f) => [f.rubricFingerprint, f.earnedH])).toEqual([[rubricFingerprint(edited), 6300]]);
  });
});
