import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, Zip, ZipPassThrough, zipSync, type Zippable } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { webCryptoVerifier } from '../../src/crypto/webcrypto-verifier';
import { FileStore } from '../../src/cli/file-store';
import { runCli } from '../../src/cli/run-cli';
import {
  bundleManifestSchema,
  bytesSource,
  DEFAULT_BUNDLE_LIMITS,
  enrolledKeySchema,
  keyFingerprint,
  keyId,
  makeDeviceKeyFile,
  readBundle,
  rubricFingerprint,
  runIntake,
  sealAudit,
  sha256Hex,
  writeBundleV2,
  type Rubric,
  type SealedEnvelope,
  type SealSigner,
} from '../../src/domain/head-office';
import { loadGrades, loadRubric, repoRoot } from '../support/load';
import { finalisedAudit, imagesOf, nodeSigner, photoBlue, photoRed, signatureAlt } from '../support/sealed-audit';

const kf01 = loadRubric('KF01');
const kf02 = loadRubric('KF02');
const dir = mkdtempSync(join(tmpdir(), 'ducha-bundle-v2-'));

async function run(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await runCli(args, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  return { code, out: lines.join('\n') };
}

let tablet: SealSigner;
beforeAll(async () => {
  tablet = await nodeSigner();
});

async function enrolTablet(store: string): Promise<void> {
  const file = await makeDeviceKeyFile(tablet, { deviceLabel: '前台平板 3', auditor: '王小明', createdAt: '2026-11-01T00:00:00.000Z' });
  if (!file.ok) throw new Error('key file');
  const keyFile = join(dir, `${Math.random().toString(36).slice(2)}.ducha-key`);
  writeFileSync(keyFile, JSON.stringify(file.value));
  const result = await run('keys', 'add', keyFile, '--fingerprint', keyFingerprint(tablet.publicKey), '--store', store);
  if (result.code !== 0) throw new Error(result.out);
}

interface Sealed {
  readonly envelope: SealedEnvelope;
  readonly images: Map<string, Uint8Array>;
}

const uuid = (n: number): string => `3c9d0e1f-2222-4bbb-8ccc-${String(n).padStart(12, '0')}`;

/** A sealed audit of `rubric` with one photo (the red fixture unless told) and both signatures. */
async function sealedAudit(n: number, rubric: Rubric, fixture: string, photoUnit: string, photo = photoRed): Promise<Sealed> {
  const id = uuid(n);
  const audit = {
    ...finalisedAudit(rubric, { ...loadGrades(rubric, fixture) }, { photoUnit }),
    id,
    lineageId: id,
    site: { id: `s${n}`, name: `站点 ${n}`, code: `SZ-${String(n).padStart(4, '0')}`, region: '华南' },
  };
  const images = imagesOf(photo);
  const blobs = new Map([...images].map(([blobId, bytes]) => [blobId, { bytes, type: 'image/jpeg' }]));
  const result = await sealAudit({ audit, rubric, blobs, sealedAt: '2026-11-24T03:00:00.000Z' }, tablet);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return { envelope: result.value, images };
}

const v1Entry = ({ envelope, images }: Sealed) => ({
  envelope,
  blobs: [...images].map(([id, bytes]) => ({ id, type: 'image/jpeg', base64url: Buffer.from(bytes).toString('base64url') })),
});

function writeV1(name: string, audits: readonly Sealed[]): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ format: 'ducha.bundle', version: 1, createdAt: '2026-11-30T00:00:00.000Z', audits: audits.map(v1Entry) }));
  return file;
}

function writeFile(name: string, bytes: Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

const listedIds = (store: string): string[] =>
  existsSync(join(store, 'audits')) ? readdirSync(join(store, 'audits')).sort() : [];

/** The lines `verify` prints per audit, without the file name, to compare what two formats say. */
const verdictLines = (out: string): string[] =>
  out
    .split('\n')
    .map((l) => l.replace(/^[^:]+: /, ''))
    .sort();

const manifestOf = (files: Record<string, Uint8Array>) => {
  const bytes = files['manifest.json'];
  if (!bytes) throw new Error('no manifest');
  return bundleManifestSchema.parse(JSON.parse(strFromU8(bytes)));
};

/** A zip with entries in this exact order, names repeated if asked: what zipSync's object cannot express. */
function rawZip(entries: readonly (readonly [string, Uint8Array])[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    chunks.push(chunk);
  });
  for (const [name, bytes] of entries) {
    const file = new ZipPassThrough(name);
    zip.add(file);
    file.push(bytes, true);
  }
  zip.end();
  return Buffer.concat(chunks);
}

describe('bundle format v2 (zip)', { timeout: 60_000 }, () => {
  it('round trips: v1 in, `ducha export` writes v2, another store imports the same audits with the same verdicts', async () => {
    const audits = [
      await sealedAudit(1, kf01, 'kf01-mixed', '7'),
      await sealedAudit(2, kf01, 'kf01-all-compliant', '7'),
      await sealedAudit(3, kf01, 'kf01-all-non-compliant', '3'),
    ];
    const v1 = writeV1('three.ducha', audits);
    const storeA = join(dir, 'round-a');
    const storeB = join(dir, 'round-b');
    await enrolTablet(storeA);
    await enrolTablet(storeB);
    expect((await run('import', v1, '--store', storeA)).out).toContain('3 stored, 0 unchanged, 0 held, 0 conflicts, 0 refused');

    const v2 = join(dir, 'exported.ducha');
    const exported = await run('export', '--store', storeA, '--out', v2);
    expect(exported.out).toContain('3 audits (bundle format 2)');
    const bytes = new Uint8Array(readFileSync(v2));
    expect([...bytes.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);

    // Each rubric once for all three audits; the shared photo and both signatures once each, by hash.
    const files = unzipSync(bytes);
    const names = Object.keys(files).sort();
    expect(names.filter((n) => n.startsWith('rubrics/'))).toEqual([`rubrics/${kf01Hex()}.json`]);
    expect(names.filter((n) => n.startsWith('images/')).sort()).toEqual(
      [photoRed, photoBlue, signatureAlt].map((b) => `images/${sha256Hex(b)}`).sort(),
    );
    expect(names.filter((n) => n.startsWith('audits/'))).toEqual([1, 2, 3].map((n) => `audits/${uuid(n)}.json`));
    expect(manifestOf(files)).toMatchObject({ format: 'ducha.bundle', version: 2, counts: { audits: 3, rubrics: 1, images: 3 } });
    // The envelope names its rubric instead of carrying it.
    const entry = z.object({ payload: z.record(z.string(), z.unknown()), rubric: z.string() }).parse(
      JSON.parse(strFromU8(files[`audits/${uuid(1)}.json`] ?? new Uint8Array())),
    );
    expect('rubric' in entry.payload).toBe(false);
    expect(`sha256:${entry.rubric}`).toBe(audits[0]?.envelope.payload.audit.rubricFingerprint);

    const imported = await run('import', v2, '--store', storeB);
    expect(imported.code).toBe(0);
    expect(imported.out).toContain('3 stored, 0 unchanged, 0 held, 0 conflicts, 0 refused');
    expect(listedIds(storeB)).toEqual(listedIds(storeA));
    // Stored byte for byte as from the v1 bundle: the seal, the images and their encoding are the same.
    for (const name of listedIds(storeA))
      expect(readFileSync(join(storeB, 'audits', name), 'utf8')).toBe(readFileSync(join(storeA, 'audits', name), 'utf8'));
    expect(verdictLines((await run('verify', v2, '--store', storeB)).out)).toEqual(
      verdictLines((await run('verify', v1, '--store', storeB)).out),
    );
    expect((await run('import', v2, '--store', storeB)).out).toContain('0 stored, 3 unchanged');

    // --format 1 still writes the JSON bundle older readers take.
    const old = join(dir, 'exported-v1.ducha');
    expect((await run('export', '--store', storeA, '--out', old, '--format', '1')).code).toBe(0);
    expect(readFileSync(old, 'utf8').startsWith('{"format":"ducha.bundle","version":1')).toBe(true);
  });

  it('refuses each broken entry alone, with its reason, and stores its neighbours', async () => {
    const good1 = await sealedAudit(11, kf01, 'kf01-mixed', '7');
    const good2 = await sealedAudit(12, kf01, 'kf01-all-compliant', '7');
    const noRubric = await sealedAudit(13, kf02, 'kf02-mixed', '1.1');
    const noImage = await sealedAudit(14, kf01, 'kf01-mixed', '7', Uint8Array.from(photoRed, (b, i) => (i === photoRed.length - 3 ? b ^ 1 : b)));
    const badJson = await sealedAudit(15, kf01, 'kf01-mixed', '7');
    const twice = await sealedAudit(16, kf01, 'kf01-mixed', '7');
    const written = unzipSync(writeBundleV2([good1, good2, noRubric, noImage, badJson, twice], '2026-11-30T00:00:00.000Z'));
    const manifest = manifestOf(written);
    const uniquePhoto = noImage.images.get('photo-1');
    if (!uniquePhoto) throw new Error('photo');
    const twiceName = `audits/${uuid(16)}.json`;
    const twiceBytes = written[twiceName];
    if (!twiceBytes) throw new Error('entry');
    const gone = new Set([`rubrics/${sha256Of(kf02)}.json`, `images/${sha256Hex(uniquePhoto)}`, twiceName]);
    const files = Object.fromEntries(Object.entries(written).filter(([name]) => !gone.has(name)));
    files[`audits/${uuid(15)}.json`] = strToU8('{"payload": {');
    files['manifest.json'] = strToU8(
      JSON.stringify({ ...manifest, audits: [...manifest.audits, { path: '../../etc/passwd.json' }, { path: '/abs/x.json' }] }),
    );
    const bundle = rawZip([
      ...Object.entries(files),
      [twiceName, twiceBytes],
      [twiceName, twiceBytes],
      ['../../evil.sh', strToU8('rm -rf /')],
    ]);
    const store = join(dir, 'broken');
    await enrolTablet(store);
    const result = await run('import', writeFile('broken.ducha', bundle), '--store', store);
    expect(result.code).toBe(1);
    expect(result.out).toContain('2 stored, 0 unchanged, 0 held, 0 conflicts, 6 refused');
    expect(listedIds(store)).toEqual([`${uuid(11)}.json`, `${uuid(12)}.json`]);
    expect(result.out).toMatch(new RegExp(`refused audits\\[2\\] ${uuid(13)}: malformed: rubrics/${sha256Of(kf02)}\\.json is missing from the bundle`));
    expect(result.out).toMatch(new RegExp(`refused audits\\[3\\] ${uuid(14)}: malformed: image photo-1: images/[0-9a-f]{64} is missing from the bundle`));
    expect(result.out).toMatch(/refused audits\[4\]: malformed: audits\/[-0-9a-f]+\.json is not JSON/);
    expect(result.out).toMatch(new RegExp(`refused audits\\[5\\]: malformed: audits/${uuid(16)}\\.json appears 2 times in the zip`));
    expect(result.out).toMatch(/refused audits\[6\]: malformed: "\.\.\/\.\.\/etc\/passwd\.json" is not a safe name/);
    expect(result.out).toMatch(/refused audits\[7\]: malformed: "\/abs\/x\.json" is not a safe name/);
    // Not an audit, so not an audit refused: reported as an entry no audit uses.
    expect(result.out).toMatch(/unused entry \.\.\/\.\.\/evil\.sh: zip entry "\.\.\/\.\.\/evil\.sh" has an unsafe name/);
    expect(existsSync(join(dir, 'evil.sh'))).toBe(false);
    expect(existsSync(join(store, 'held'))).toBe(false);
  });

  it('refuses an entry over the per-entry limit alone; a tampered rubric file refuses the audits that use it', async () => {
    const good = await sealedAudit(21, kf01, 'kf01-mixed', '7');
    const big = await sealedAudit(22, kf02, 'kf02-all-compliant', '1.1');
    const files = unzipSync(writeBundleV2([good, big], '2026-11-30T00:00:00.000Z'));
    const bigName = `audits/${uuid(22)}.json`;
    const padded = `${strFromU8(files[bigName] ?? new Uint8Array())}${' '.repeat(300_000)}`;
    files[bigName] = strToU8(padded);
    const limits = { ...DEFAULT_BUNDLE_LIMITS, maxEntryBytes: 200_000 };
    const verdicts = await readBundle(bytesSource(zipSync(files)), webCryptoVerifier, limits);
    if (!verdicts.ok) throw new Error(JSON.stringify(verdicts.issues));
    expect(verdicts.value.verdicts.map((v) => v.status)).toEqual(['valid', 'refused']);
    const refused = verdicts.value.verdicts[1];
    expect(refused?.status === 'refused' ? refused.reason : '').toMatch(
      new RegExp(`audits/${uuid(22)}\\.json is [\\d.]+ (bytes|KiB) uncompressed, over the per-entry limit of 200000 bytes`),
    );
    const store = join(dir, 'entry-limit');
    await enrolTablet(store);
    const fileStore = new FileStore(store);
    const report = await runIntake(verdicts.value.verdicts, fileStore, webCryptoVerifier, { source: 'limit.ducha', now: () => '2026-11-30T00:00:00.000Z' });
    expect(report.accepted.map((a) => a.auditId)).toEqual([uuid(21)]);
    expect(listedIds(store)).toEqual([`${uuid(21)}.json`]);

    // A rubric file changed by one point: its name (the fingerprint) no longer matches, so its audits are refused.
    const again = unzipSync(writeBundleV2([good], '2026-11-30T00:00:00.000Z'));
    const rubricName = `rubrics/${kf01Hex()}.json`;
    again[rubricName] = strToU8(strFromU8(again[rubricName] ?? new Uint8Array()).replace('"title":"', '"title":"改'));
    const tampered = await run('verify', writeFile('rubric-changed.ducha', zipSync(again)), '--store', store);
    expect(tampered.code).toBe(1);
    expect(tampered.out).toMatch(/refused audits\[0\] .*: malformed: rubrics\/[0-9a-f]{64}\.json is not the rubric its name says/);
  });

  it('refuses a zip bomb and an oversized file as a whole, writing nothing', async () => {
    const good = await sealedAudit(31, kf01, 'kf01-mixed', '7');
    const files: Zippable = unzipSync(writeBundleV2([good], '2026-11-30T00:00:00.000Z'));
    files['images/padding'] = new Uint8Array(30 * 1024 * 1024);
    const bomb = writeFile('bomb.ducha', zipSync(files, { level: 9 }));
    const store = join(dir, 'bomb-store');
    const result = await run('import', bomb, '--store', store);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/bomb\.ducha: it would unpack to 30\.\d MiB from [\d.]+ (KiB|bytes|MiB)?.*more than 100× \(a zip bomb\) \(nothing written\)/);
    expect(existsSync(store)).toBe(false);

    const ok = writeFile('small.ducha', writeBundleV2([good], '2026-11-30T00:00:00.000Z'));
    const tooBig = await run('import', ok, '--store', store, '--max-size', '1K');
    expect(tooBig.code).toBe(1);
    expect(tooBig.out).toMatch(/small\.ducha: the file is [\d.]+ (bytes|KiB|MiB), over the limit of 1024 bytes \(nothing written\)/);
    expect(existsSync(store)).toBe(false);
    // A v1 file is held to the same limit.
    const v1 = writeV1('small-v1.ducha', [good]);
    expect((await run('verify', v1, '--store', store, '--max-size', '1K')).out).toMatch(/over the limit of 1024 bytes/);
  });

  it('reads the format by content, not by name; the legacy v1 bundle goes through v2 with its scores unchanged', async () => {
    const legacy = join(repoRoot, 'tests', 'fixtures', 'legacy', 'bundle-v1.ducha');
    const storeA = join(dir, 'legacy-a');
    const storeB = join(dir, 'legacy-b');
    // Those tablets' keys are gone: enrolled directly, as tests/trust/keys-and-legacy.test.ts does.
    const legacyKeys = z
      .object({ audits: z.array(z.object({ envelope: z.object({ payload: z.object({ publicKey: z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string() }) }) }) })) })
      .parse(JSON.parse(readFileSync(legacy, 'utf8')))
      .audits.map((a) => a.envelope.payload.publicKey);
    for (const store of [storeA, storeB])
      await new FileStore(store).saveKeys(
        legacyKeys.map((publicKey, i) =>
          enrolledKeySchema.parse({
            version: 1,
            keyId: keyId(publicKey),
            publicKey,
            deviceLabel: `旧平板 ${i + 1}`,
            auditor: '王小明',
            enrolledAt: '2026-11-01T00:00:00.000Z',
          }),
        ),
      );
    expect((await run('import', legacy, '--store', storeA)).code).toBe(0);
    const v2 = join(dir, 'legacy-as-v2.json');
    expect((await run('export', '--store', storeA, '--out', v2)).code).toBe(0);
    expect((await run('import', v2, '--store', storeB)).out).toContain('2 stored');
    const scores = async (store: string) =>
      (await new FileStore(store).facts()).map((f) => [f.auditId, f.earnedH, f.possibleH]).sort();
    expect(await scores(storeB)).toEqual(await scores(storeA));
    // Neither zip nor JSON: refused by content whatever it is called.
    expect((await run('verify', writeFile('looks-right.ducha', strToU8('%PDF-1.7')))).out).toMatch(/not a Ducha bundle: neither a zip/);
  });
});

const sha256Of = (rubric: Rubric): string => rubricFingerprint(rubric).replace(/^sha256:/, '');
const kf01Hex = (): string => sha256Of(kf01);
