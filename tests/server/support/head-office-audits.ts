import {
  makeDeviceKeyFile,
  toBase64Url,
  type Audit,
  type Bundle,
  type DeviceKeyFile,
  type SealedEnvelope,
  type SealSigner,
} from '../../../src/domain/head-office';
import { loadGrades } from '../../support/load';
import { finalisedAudit, imagesOf } from '../../support/sealed-audit';
import type { ApiClient } from './sessions';
import { enrolOverHttp, kf01, postAudit, putFixtureImages, seal } from './uploads';

export const STRONG = '万科·喆园管理处';
export const WEAK = '碧桂园·凤凰城管理处';
export const NOTE = '未使用规范欢迎词,语气生硬';

/**
 * Three KF01 audits from two sites, the dashboard browser test's (kf01 fixtures, worked out in
 * tests/scoring/score-fixtures.test.ts): all-compliant 100 / 100 = 100.0 %; mixed 63 / 95 = 66.3 %.
 *   STRONG: all-compliant (11-03) and mixed (11-17) → average (1000 + 663) / 2 = 831.5 → 83.2 %, latest 66.3 %.
 *   WEAK:   mixed (11-10), a note on its 不符合 unit 4 → average 66.3 %.
 * With N = 1, WEAK is 末位. Item 4 (15 points): WEAK loses 15 of 15 = 100.0 %, STRONG 15 of 30 = 50.0 %.
 */
export const EXPECTED_RANKING = [
  { siteName: STRONG, count: 2, averagePercentTenths: 832, latestPercentTenths: 663, isBottom: false },
  { siteName: WEAK, count: 1, averagePercentTenths: 663, latestPercentTenths: 663, isBottom: true },
] as const;

function audit(grades: 'kf01-all-compliant' | 'kf01-mixed', id: string, site: string, region: string, auditedAt: string, notes?: Record<string, string>): Audit {
  const base = finalisedAudit(kf01, loadGrades(kf01, grades), { site, ...(notes ? { notes } : {}) });
  return { ...base, id, lineageId: id, site: { id: `site-${site}`, name: site, region }, auditedAt };
}

export const HEAD_OFFICE_AUDITS: readonly Audit[] = [
  audit('kf01-all-compliant', '0b6c1f3e-1a2b-4c3d-8e4f-5a6b7c8d9e01', STRONG, '华南', '2026-11-03T02:00:00.000Z'),
  audit('kf01-mixed', '0b6c1f3e-1a2b-4c3d-8e4f-5a6b7c8d9e02', WEAK, '华北', '2026-11-10T02:00:00.000Z', { '4': NOTE }),
  audit('kf01-mixed', '0b6c1f3e-1a2b-4c3d-8e4f-5a6b7c8d9e03', STRONG, '华南', '2026-11-17T02:00:00.000Z'),
];

/** Each audit sealed by the tablet, with the bundle entry that carries the same envelope. */
export async function sealHeadOfficeAudits(
  tablet: SealSigner,
): Promise<{ envelope: SealedEnvelope; entry: Bundle['audits'][number] }[]> {
  const images = imagesOf();
  return Promise.all(
    HEAD_OFFICE_AUDITS.map(async (a) => {
      const envelope = await seal(a, tablet);
      const blobs = envelope.payload.blobs.map((b) => {
        const bytes = images.get(b.id);
        if (!bytes) throw new Error(`no image ${b.id}`);
        return { id: b.id, type: b.type, base64url: toBase64Url(bytes) };
      });
      return { envelope, entry: { envelope, blobs } };
    }),
  );
}

export const bundleOfEntries = (entries: readonly Bundle['audits'][number][]) => ({
  format: 'ducha.bundle',
  version: 1,
  createdAt: '2026-11-25T08:00:00.000Z',
  audits: entries,
});

export async function keyFileOf(tablet: SealSigner, deviceLabel: string, auditor: string): Promise<DeviceKeyFile> {
  const file = await makeDeviceKeyFile(tablet, { deviceLabel, auditor, createdAt: '2026-11-01T00:00:00.000Z' });
  if (!file.ok) throw new Error(JSON.stringify(file.issues));
  return file.value;
}

/**
 * What a tablet's sync does, over HTTP as the auditor: enrol its key (POST /api/devices), send the images,
 * then each sealed audit. Every audit must be accepted (201).
 */
export async function uploadAsTablet(auditor: ApiClient, tablet: SealSigner, envelopes: readonly SealedEnvelope[]): Promise<void> {
  const enrolled = await enrolOverHttp(auditor, tablet, await keyFileOf(tablet, '前台平板 1', '王小明'));
  if (enrolled.status !== 201) throw new Error(`enrolling the tablet: ${enrolled.status} ${JSON.stringify(enrolled.body)}`);
  await putFixtureImages(auditor);
  for (const envelope of envelopes) {
    const answer = await postAudit(auditor, envelope);
    if (answer.status !== 201) throw new Error(`uploading ${envelope.payload.audit.id}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}
