import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  keyFingerprint,
  makeDeviceKeyFile,
  toBase64Url,
  type SealedEnvelope,
  type SealSigner,
} from '../../src/domain/index';
import { runCli } from '../../src/cli/run-cli';
import { loadGrades, loadRubric } from '../support/load';
import { finalisedAudit, imagesOf, nodeSigner, sealed } from '../support/sealed-audit';

const kf01 = loadRubric('KF01');
const dir = mkdtempSync(join(tmpdir(), 'ducha-bundle-'));

async function run(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await runCli(args, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  return { code, out: lines.join('\n') };
}
const entryOf = (envelope: SealedEnvelope) => ({
  envelope,
  blobs: [...imagesOf()].map(([id, bytes]) => ({ id, type: 'image/jpeg', base64url: toBase64Url(bytes) })),
});
function writeBundle(name: string, audits: unknown[]): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    JSON.stringify({ format: 'ducha.bundle', version: 1, createdAt: '2026-11-30T00:00:00.000Z', audits }),
  );
  return file;
}
let tablet: SealSigner;
beforeAll(async () => {
  tablet = await nodeSigner();
});

/** Enrols the test tablet's key in a store the way head office does: key file + the fingerprint read off the tablet. */
async function enrolTablet(store: string, signer = tablet): Promise<void> {
  const file = await makeDeviceKeyFile(signer, {
    deviceLabel: '前台平板 3',
    auditor: '王小明',
    createdAt: '2026-11-01T00:00:00.000Z',
  });
  if (!file.ok) throw new Error('key file');
  const keyFile = join(dir, `${Math.random().toString(36).slice(2)}.ducha-key`);
  writeFileSync(keyFile, JSON.stringify(file.value));
  const result = await run(
    'keys',
    'add',
    keyFile,
    '--fingerprint',
    keyFingerprint(signer.publicKey),
    '--store',
    store,
  );
  if (result.code !== 0) throw new Error(result.out);
}

async function sealedAudit(id: string, fixture: string, site: string, note = ''): Promise<SealedEnvelope> {
  const audit = {
    ...finalisedAudit(kf01, { ...loadGrades(kf01, fixture) }, { photoUnit: '7', notes: { '4': note } }),
    id,
    lineageId: id,
    site: { id: 's', name: site, code: 'SZ-0001', region: '华南' },
  };
  return sealed(kf01, audit, tablet);
}

describe('ducha import / export / verify <bundle>', { timeout: 30_000 }, () => {
  it('imports the valid audit, refuses a tampered and a malformed one with reasons, and re-imports idempotently', async () => {
    const store = join(dir, 'store-1');
    const valid = await sealedAudit(
      '3c9d0e1f-2222-4bbb-8ccc-000000000001',
      'kf01-mixed',
      '碧桂园凤凰城管理处',
      '未主动致歉,"客户"不满',
    );
    const tampered = structuredClone(
      await sealedAudit('3c9d0e1f-2222-4bbb-8ccc-000000000002', 'kf01-all-compliant', '万科城管理处'),
    );
    tampered.payload.audit.answers[0] = { ...tampered.payload.audit.answers[0]!, grade: 'non_compliant' };
    const file = writeBundle('three.ducha', [entryOf(valid), entryOf(tampered), { audit: { id: 'x' } }]);
    await enrolTablet(store);

    const first = await run('import', file, '--store', store);
    expect(first.code).toBe(1);
    expect(first.out).toContain('1 stored, 0 unchanged, 0 held, 0 conflicts, 2 refused');
    expect(first.out).toMatch(
      /stored 3c9d0e1f-2222-4bbb-8ccc-000000000001 KF01 碧桂园凤凰城管理处 r1, signed by 前台平板 3 \/ 王小明/,
    );
    expect(first.out).toMatch(/refused audits\[1\] 3c9d0e1f-2222-4bbb-8ccc-000000000002: tampered: seal/);
    expect(first.out).toMatch(/refused audits\[2\] x: unsigned: the audit carries no seal/);
    expect(readdirSync(join(store, 'audits'))).toEqual(['3c9d0e1f-2222-4bbb-8ccc-000000000001.json']);
    const stored = readFileSync(join(store, 'audits', '3c9d0e1f-2222-4bbb-8ccc-000000000001.json'), 'utf8');

    const again = await run('import', file, '--store', store);
    expect(again.out).toContain('0 stored, 1 unchanged, 0 held, 0 conflicts, 2 refused');
    expect(readFileSync(join(store, 'audits', '3c9d0e1f-2222-4bbb-8ccc-000000000001.json'), 'utf8')).toBe(
      stored,
    );

    expect((await run('verify', file, '--store', store)).out).toContain(
      '1 valid, 0 signer not enrolled, 2 refused',
    );
    expect((await run('verify', writeBundle('one.ducha', [entryOf(valid)]), '--store', store)).code).toBe(0);
    // Without the register, an intact seal proves only that somebody signed: exit 3, never "valid".
    const unknown = await run('verify', join(dir, 'one.ducha'), '--store', join(dir, 'no-such-store'));
    expect(unknown.code).toBe(3);
    expect(unknown.out).toMatch(/intact, signer not enrolled \(待确认签名\).*unenrolled key [0-9a-f]{4} /);

    // CSV for spreadsheets: exact rows for the one stored audit (kf01-mixed: 63 of 95 → 66.3 %).
    const csv = join(dir, 'audits.csv');
    const units = join(dir, 'units.csv');
    const bundleOut = join(dir, 'out.ducha');
    expect(
      (await run('export', '--store', store, '--out', bundleOut, '--csv', csv, '--units-csv', units)).code,
    ).toBe(0);
    expect(readFileSync(csv, 'utf8')).toBe(
      // 02:30Z is 10:30 in Beijing, the zone the sheet prints and the CSV defaults to.
      '\uFEFFsite,region,rubric,audited_at (Asia/Shanghai),auditor,earned,possible,percent\r\n' +
        '碧桂园凤凰城管理处,华南,KF01,2026-11-24 10:30,王小明,63,95,66.3\r\n',
    );
    const utc = join(dir, 'audits-utc.csv');
    expect((await run('export', '--store', store, '--csv', utc, '--tz', 'UTC')).code).toBe(0);
    expect(readFileSync(utc, 'utf8')).toContain('audited_at (UTC),auditor');
    expect(readFileSync(utc, 'utf8')).toContain(',KF01,2026-11-24 02:30,');
    const badZone = await run('export', '--store', store, '--csv', utc, '--tz', 'Mars/Olympus');
    expect(badZone.code).toBe(1);
    expect(badZone.out).toContain('--tz Mars/Olympus is not a time zone');
    const unitRows = readFileSync(units, 'utf8').split('\r\n');
    expect(unitRows).toHaveLength(12); // header + 10 units + final empty line
    expect(unitRows).toContain(
      '3c9d0e1f-2222-4bbb-8ccc-000000000001,碧桂园凤凰城管理处,KF01,2026-11-24 10:30,4,non_compliant,0,15,"未主动致歉,""客户""不满"',
    );
    expect(unitRows).toContain(
      '3c9d0e1f-2222-4bbb-8ccc-000000000001,碧桂园凤凰城管理处,KF01,2026-11-24 10:30,9,na,0,0,',
    );

    // The exported bundle imports into another store: held until that store enrols the key, then counted.
    const other = await run('import', bundleOut, '--store', join(dir, 'store-2'));
    expect(other).toMatchObject({ code: 3 });
    expect(other.out).toContain('0 stored, 0 unchanged, 1 held, 0 conflicts, 0 refused');
    expect(other.out).toMatch(/held \(待确认签名\)/);
    await enrolTablet(join(dir, 'store-2'));
    expect(readdirSync(join(dir, 'store-2', 'audits'))).toEqual([
      '3c9d0e1f-2222-4bbb-8ccc-000000000001.json',
    ]);
    expect(readdirSync(join(dir, 'store-2', 'held'))).toEqual([]);
  });

  it('reports a conflict and keeps the stored audit', async () => {
    const store = join(dir, 'store-3');
    const id = '3c9d0e1f-2222-4bbb-8ccc-000000000003';
    await enrolTablet(store);
    await run(
      'import',
      writeBundle('a.ducha', [entryOf(await sealedAudit(id, 'kf01-mixed', '甲'))]),
      '--store',
      store,
    );
    const before = readFileSync(join(store, 'audits', `${id}.json`), 'utf8');
    const result = await run(
      'import',
      writeBundle('b.ducha', [entryOf(await sealedAudit(id, 'kf01-all-compliant', '甲'))]),
      '--store',
      store,
    );
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      new RegExp(
        `conflict ${id} \\(甲\\) r1: audit ${id} is already here with another seal; kept ${id} seal [0-9a-f]{16} by 前台平板 3 / 王小明 .*, refused seal [0-9a-f]{16}`,
      ),
    );
    expect(readFileSync(join(store, 'audits', `${id}.json`), 'utf8')).toBe(before);
  });

  it('a file that is not a bundle writes nothing', async () => {
    const store = join(dir, 'store-4');
    const notJson = join(dir, 'notes.txt');
    writeFileSync(notJson, 'hello');
    expect((await run('import', notJson, '--store', store)).out).toMatch(/not a Ducha bundle/);
    const wrongShape = join(dir, 'wrong.json');
    writeFileSync(wrongShape, JSON.stringify({ audits: [] }));
    expect((await run('import', wrongShape, '--store', store)).out).toMatch(/not a Ducha bundle: format/);
    expect(existsSync(store)).toBe(false);
  });
});
