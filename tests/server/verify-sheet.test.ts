import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFingerprint, makeDeviceKeyFile, type SealedEnvelope, type SealSigner } from '../../src/domain/index';
import { sheetVerdictSchema } from '../../src/domain/wire';
import { runCli } from '../../src/cli/run-cli';
import { revokeDeviceKey } from '../../src/server/intake/key-register-store';
import { startServer, type RunningServer } from '../../src/server/start-server';
import type { ServerConfig } from '../../src/server/config';
import { renderSealedSheet } from '../../src/report/sealed-sheet';
import { loadGrades, loadRubric } from '../support/load';
import { finalisedAudit, imagesOf, nodeSigner, sealed, subsetFont } from '../support/sealed-audit';
import { BACKENDS, useBackend } from './support/backends';
import { addUser, signIn } from './support/sessions';
import { call, enrolOverHttp } from './support/uploads';

const kf01 = loadRubric('KF01');
const PUBLIC_URL = 'https://ducha.example.com';
const dir = mkdtempSync(join(tmpdir(), 'ducha-verify-sheet-'));

const sheetOf = (envelope: SealedEnvelope, publicUrl?: string): Uint8Array =>
  renderSealedSheet(envelope, { fonts: { subset: subsetFont }, images: imagesOf(), ...(publicUrl ? { publicUrl } : {}) }).bytes;

let counter = 0;
const save = (bytes: Uint8Array): string => {
  const file = join(dir, `sheet-${String(counter++)}.pdf`);
  writeFileSync(file, bytes);
  return file;
};

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await runCli(args, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  return { code, out: lines.join('\n') };
}

async function postPdf(url: string, bytes: Uint8Array, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/api/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/pdf', ...headers },
    body: Buffer.from(bytes),
  });
  const text = await response.text();
  const body: unknown = text === '' ? undefined : JSON.parse(text);
  return { status: response.status, body };
}

/**
 * The URL swapped inside the recorded settings only (same length, so nothing else moves): the pages still
 * print the old one, so re-making from the record gives other pages.
 */
function withRecordedUrl(pdf: Uint8Array, from: string, to: string): Uint8Array {
  const text = Buffer.from(pdf).toString('latin1');
  const match = /\/Type \/Metadata[^>]*\/Length (\d+)[^>]*>>\s*stream\r?\n/.exec(text) ?? /\/Length (\d+)[^>]*\/Type \/Metadata[^>]*>>\s*stream\r?\n/.exec(text);
  if (!match) throw new Error('no metadata stream');
  const start = match.index + match[0].length;
  const length = Number(match[1]);
  const xmp = inflateSync(pdf.subarray(start, start + length)).toString('latin1');
  if (!xmp.includes(from)) throw new Error('URL not recorded');
  const changed = deflateSync(Buffer.from(xmp.replace(from, to), 'latin1'));
  const head = text.slice(0, start).replace(new RegExp(`/Length ${String(length)}(?=[^0-9])(?![\\s\\S]*/Length)`), `/Length ${String(changed.length)}`);
  return new Uint8Array(Buffer.concat([Buffer.from(head, 'latin1'), changed, pdf.subarray(start + length)]));
}

describe.each(BACKENDS)('verifying a sheet against head office, on %s', { timeout: 240_000 }, (backendName) => {
  const backend = useBackend(backendName);
  let config: ServerConfig;
  let server: RunningServer;
  let tablet: SealSigner;
  let envelope: SealedEnvelope;
  let genuine: Uint8Array;

  beforeAll(async () => {
    config = await backend.freshConfig();
    server = await startServer(config, { logger: false });
    const auditor = await addUser(server.services.db, 'auditor', { displayName: '王小明' });
    // A tablet enrols itself as it does in the field: the auditor signs in and it sends its key file.
    tablet = await nodeSigner();
    const keyFile = await makeDeviceKeyFile(tablet, { deviceLabel: '前台平板 3', auditor: '王小明', createdAt: '2026-11-01T00:00:00.000Z' });
    if (!keyFile.ok) throw new Error(JSON.stringify(keyFile.issues));
    const client = await signIn(server.url, auditor.username);
    expect((await enrolOverHttp(client, tablet, keyFile.value)).status).toBe(201);
    envelope = await sealed(kf01, finalisedAudit(kf01, { ...loadGrades(kf01, 'kf01-mixed') }, { photoUnit: '7' }), tablet);
    genuine = sheetOf(envelope, PUBLIC_URL);
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('names the verification page in the footer and QR code of a sheet made with a base URL', () => {
    const file = save(genuine);
    const printed = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' });
    expect(printed).toContain(`验证 Verify：${PUBLIC_URL}/#/verify`);
    // On every page's footer: the sheet has two (the photo appendix), so the line is there twice or more.
    expect(printed.split(`${PUBLIC_URL}/#/verify`).length - 1).toBeGreaterThanOrEqual(3);
  });

  it('the page route: intact, the sealed record and the enrolled signer, by the same check as ducha verify', async () => {
    const answer = await postPdf(server.url, genuine);
    expect(answer.status).toBe(200);
    const verdict = sheetVerdictSchema.parse(answer.body);
    expect(verdict.sheet).toBe('intact');
    expect(verdict.publicUrl).toBe(PUBLIC_URL);
    expect(verdict.rendererVersion).toBe(4);
    expect(verdict.signer).toEqual({
      status: 'enrolled',
      fingerprint: keyFingerprint(tablet.publicKey),
      deviceLabel: '前台平板 3',
      auditor: '王小明',
      enrolledAt: verdict.signer?.status === 'enrolled' ? verdict.signer.enrolledAt : 'missing',
      revokedAt: null,
    });
    // kf01-mixed: 63 of 95 (hand-computed in tests/fixtures/answers/README), 66.3%.
    expect([verdict.record?.site, verdict.record?.earnedH, verdict.record?.possibleH, verdict.record?.percentTenths]).toEqual(['碧桂园凤凰城管理处', 6300, 9500, 663]);
    expect(verdict.record?.sealHash).toBe(envelope.hash);
  });

  it('ducha verify --server: valid, naming the device and auditor the server enrolled', async () => {
    const result = await cli('verify', save(genuine), '--server', server.url);
    expect(result.out).toContain('valid — the pages show exactly what the seal says (re-made byte for byte by renderer version 4)');
    expect(result.out).toMatch(/signer key +[0-9a-f ]{19} — 前台平板 3 \/ 王小明 \(enrolled /);
    expect(result.code).toBe(0);
  });

  it('the same sheet with its recorded URL altered is refused, on the page and by the CLI', async () => {
    const altered = withRecordedUrl(genuine, PUBLIC_URL, 'https://ducha.example.org');
    const verdict = sheetVerdictSchema.parse((await postPdf(server.url, altered)).body);
    expect(verdict.sheet).toBe('tampered');
    expect(verdict.message).toMatch(/^pages: the pages do not show what the seal says/);
    const result = await cli('verify', save(altered), '--server', server.url);
    expect(result.code).toBe(1);
    expect(result.out).toContain('tampered — pages');
  });

  it('a key the server does not know: intact, signer not enrolled (exit 3)', async () => {
    const stranger = await sealed(kf01, finalisedAudit(kf01, { ...loadGrades(kf01, 'kf01-mixed') }, { photoUnit: '7' }));
    const sheet = sheetOf(stranger, PUBLIC_URL);
    const verdict = sheetVerdictSchema.parse((await postPdf(server.url, sheet)).body);
    expect([verdict.sheet, verdict.signer?.status]).toEqual(['intact', 'not-enrolled']);
    const result = await cli('verify', save(sheet), '--server', server.url);
    expect(result.code).toBe(3);
    expect(result.out).toContain('intact, signer not enrolled (待确认签名)');
  });

  it('garbage never gets a 5xx; a forged seal names nobody; the register cannot be listed by asking', async () => {
    for (const body of [new Uint8Array(0), new TextEncoder().encode('%PDF-1.7\n garbage DUCHA-SEAL-BEGIN:{"x":1}:DUCHA-SEAL-END'), new Uint8Array(4096).fill(0xff)]) {
      const answer = await postPdf(server.url, body);
      expect(answer.status).toBeLessThan(500);
    }
    const tamperedSeal = { ...envelope, payload: { ...envelope.payload, audit: { ...envelope.payload.audit, auditor: '别人' } } };
    const seal = await call({ baseUrl: server.url, headers: {} }, 'POST', '/api/verify/seal', { envelope: tamperedSeal });
    expect(seal.status).toBe(422);
    // A bare public key (no signature by it) is not a question the route answers.
    const bare = await call({ baseUrl: server.url, headers: {} }, 'POST', '/api/verify/seal', { envelope: { payload: { publicKey: tablet.publicKey } } });
    expect(bare.status).toBe(422);
  });

  it('ducha verify --data-dir reads the register; refused beside a running embedded server', async () => {
    const where = config.databaseUrl === undefined ? ['--data-dir', config.dataDir] : ['--database-url', config.databaseUrl];
    const file = save(genuine);
    if (config.databaseUrl === undefined) {
      const locked = await cli('verify', file, ...where);
      expect(locked.code).toBe(3);
      expect(locked.out).toMatch(/while a server runs on that data dir, ask it instead: ducha verify <file> --server/);
    } else {
      const result = await cli('verify', file, ...where);
      expect(result.code).toBe(0);
      expect(result.out).toMatch(/— 前台平板 3 \/ 王小明 \(enrolled /);
    }
  });

  it('revoked before it sealed: refused, on the page and by the CLI', async () => {
    const revoked = await revokeDeviceKey(server.services.db, keyFingerprint(tablet.publicKey), '2026-01-01T00:00:00.000Z', '平板遗失');
    expect(revoked.ok).toBe(true);
    const verdict = sheetVerdictSchema.parse((await postPdf(server.url, genuine)).body);
    expect([verdict.sheet, verdict.signer?.status]).toEqual(['intact', 'revoked']);
    const result = await cli('verify', save(genuine), '--server', server.url);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/refused — sealed on .* which was revoked on 2026-01-01T00:00:00.000Z/);
  });

  it('is limited per address: a burst gets 429 with Retry-After, never a 5xx', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) statuses.push((await postPdf(server.url, new TextEncoder().encode('x'))).status);
    expect(statuses).toContain(429);
    expect(statuses.every((s) => s < 500)).toBe(true);
  });
});
