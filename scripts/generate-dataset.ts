// npx tsx scripts/generate-dataset.ts [--audits 10000] [--sites 500] [--months 12] [--seed 42] [--amend-rate 0.02]
//   [--photos 0-10] [--format 2|1] [--keys-dir DIR] --out <file.ducha>
// A synthetic head-office data set: one .ducha bundle of sealed, finalised audits, for benches and tests
// (format 2, the zip, unless --format 1); --photos gives each audit a seeded number of ≈250 KB photos in that
// range; --keys-dir writes each signing device's .ducha-key file there, so a bench or test can enrol them.
// Everything but the ECDSA signatures (randomised by the algorithm) follows from --seed.
import { createECDH, createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  BUNDLE_FORMAT_VERSION,
  BundleV2Writer,
  amendAudit,
  keyFingerprint,
  makeDeviceKeyFile,
  createAuditHeader,
  finaliseAudit,
  gradedUnits,
  parseRubric,
  publicKeyJwkSchema,
  rubricFingerprint,
  sealAudit,
  toBase64Url,
  type Answer,
  type AuditHeader,
  type AuditMode,
  type Grade,
  type Result,
  type Rubric,
  type SealedEnvelope,
  type SealSigner,
  type Site,
} from '../src/domain/head-office';

const root = join(import.meta.dirname, '..');

export const datasetRubricIds = ['KF01', 'KF02', 'KF3'] as const;

export interface DatasetOptions {
  readonly out: string;
  readonly audits?: number;
  readonly sites?: number;
  readonly months?: number;
  readonly seed?: number;
  /** Share of audits that get a corrected revision 2. */
  readonly amendRate?: number;
  /** Last day of the period, YYYY-MM-DD (UTC). */
  readonly endDate?: string;
  /** Called after every `progressEvery` audits (revision 1s), and once at the end. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly progressEvery?: number;
  /**
   * 1 (the JSON bundle) or 2 (the zip). The command line writes 2 unless told; callers of this function that
   * predate format 2 (benches, tests reading the JSON) get 1 unless they ask.
   */
  readonly format?: 1 | 2;
  /** Photos per audit, drawn from the seed between min and max (inclusive); none by default. */
  readonly photos?: { readonly min: number; readonly max: number };
  /** Writes `device-<n>.ducha-key` for every signing device into this folder. */
  readonly keysDir?: string;
}

/** A signing device of the data set, as head office would enrol it. */
export interface DatasetDevice {
  readonly keyFile: string;
  readonly fingerprint: string;
}

export interface DatasetSummary {
  readonly path: string;
  readonly audits: number;
  readonly amended: number;
  /** Bundle entries: every audit plus every revision 2. */
  readonly entries: number;
  readonly sites: number;
  readonly bytes: number;
  readonly ms: number;
  readonly from: string;
  readonly to: string;
  readonly photos: number;
  readonly devices: readonly DatasetDevice[];
}

// ---- seeded randomness ---------------------------------------------------------------------------

export type Random = () => number;

/** mulberry32: tiny, fast and good enough for test data; never for anything secret. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Independent streams per purpose, so adding a draw in one place does not reshuffle everything else. */
const streamSeed = (seed: number, purpose: string): number =>
  createHash('sha256').update(`ducha-dataset:${seed}:${purpose}`).digest().readUInt32LE(0);

const intBelow = (random: Random, n: number): number => Math.floor(random() * n);
const between = (random: Random, low: number, high: number): number => low + random() * (high - low);

function nth<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index} in a list of ${items.length}`);
  return item;
}

const pick = <T>(random: Random, items: readonly T[]): T => nth(items, intBelow(random, items.length));

function uuidV4(random: Random): string {
  const bytes = Array.from({ length: 16 }, () => intBelow(random, 256));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---- signing devices ------------------------------------------------------------------------------

/**
 * A device key derived from the seed. nodeSigner's keys are random, which would put a different public key
 * (and so a different payload hash) in every run; deriving them keeps everything but the signatures reproducible.
 */
export async function seededDeviceSigner(seed: number, device: number): Promise<SealSigner> {
  const d = createHash('sha256').update(`ducha-dataset:${seed}:device-key:${device}`).digest();
  // Clearing the top bit keeps d below the P-256 group order, so every derived scalar is a valid key.
  d.writeUInt8(d.readUInt8(0) & 0x7f, 0);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const point = ecdh.getPublicKey();
  const publicKey = publicKeyJwkSchema.parse({
    kty: 'EC',
    crv: 'P-256',
    x: toBase64Url(point.subarray(1, 33)),
    y: toBase64Url(point.subarray(33, 65)),
  });
  const subtle = globalThis.crypto.subtle;
  const privateKey = await subtle.importKey(
    'jwk',
    { ...publicKey, d: toBase64Url(d) },
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['sign'],
  );
  return {
    publicKey,
    sign: async (data) =>
      new Uint8Array(
        await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, Uint8Array.from(data)),
      ),
  };
}

// ---- photos ---------------------------------------------------------------------------------------

export const PHOTO_BYTES = 250 * 1024;

/**
 * A ≈250 KB JPEG made from the seed: the start of image marker, comment segments of seeded noise (which, like a
 * real photo, does not compress), then a small real JPEG's own segments, so it is a JPEG by its magic numbers.
 */
export function seededPhoto(seed: number, key: string, tail: Uint8Array): Uint8Array {
  const random = mulberry32(streamSeed(seed, `photo:${key}`));
  const noise = PHOTO_BYTES - tail.length;
  const segments = Math.ceil(noise / 65_000);
  const out = new Uint8Array(2 + noise + segments * 4 + tail.length - 2);
  out.set([0xff, 0xd8]);
  let at = 2;
  let left = noise;
  for (let s = 0; s < segments; s++) {
    const length = Math.min(65_000, left);
    left -= length;
    out.set([0xff, 0xfe, (length + 2) >> 8, (length + 2) & 0xff], at);
    at += 4;
    for (let i = 0; i < length; i++) out[at + i] = (random() * 256) >>> 0;
    at += length;
  }
  out.set(tail.subarray(2), at);
  return out;
}

// ---- the world: sites, auditors ------------------------------------------------------------------

const developers: readonly string[] = (
  '碧桂园 万科 保利 华润 招商 龙湖 金地 中海 绿城 旭辉 融创 世茂 新城 金科 远洋 越秀 首开 建发 卓越 ' +
  '雅居乐'
).split(' ');
const places: readonly string[] = (
  '翡翠湾 天悦府 壹号院 江山樾 云玺 锦绣花园 滨江花园 春风十里 玖珑湾 紫宸府 御湖湾 星河城 海上明月 香山美墅 ' +
  '凤凰城 翠湖天地 国际社区 学府里 公园里 东方名苑 棕榈泉 半岛城邦 九里晴川 观澜湖 桃李春风 湖畔花园 时代广场 ' +
  '中央公园 金域蓝湾 西山庭院'
).split(' ');
interface Region {
  readonly name: string;
  readonly weight: number;
  /** City and the prefix of its site codes, "深圳:SZ". */
  readonly cities: string;
}
const regions: readonly Region[] = [
  { name: '华南', weight: 0.3, cities: '深圳:SZ 广州:GZ 东莞:DG 佛山:FS 珠海:ZH' },
  { name: '华东', weight: 0.25, cities: '上海:SH 杭州:HZ 南京:NJ 苏州:SU 宁波:NB' },
  { name: '华北', weight: 0.15, cities: '北京:BJ 天津:TJ 济南:JN 青岛:QD' },
  { name: '西南', weight: 0.15, cities: '成都:CD 重庆:CQ 昆明:KM 贵阳:GY' },
  { name: '华中', weight: 0.15, cities: '武汉:WH 长沙:CS 郑州:ZZ 南昌:NC' },
];
const auditorNames: readonly string[] = (
  '王小明 李静 张伟 刘洋 陈晨 杨帆 黄丽 赵磊 周婷 吴昊 徐敏 孙浩 胡杰 朱琳 高翔 林峰 何倩 郭强 马超 罗雪 ' +
  '梁栋 宋佳 郑凯 谢芳 韩冰 唐亮 冯雨 于洁 董鹏 萧然 程远 曹颖 袁斌 邓萍 许诺 傅博 沈悦 曾毅 彭丹 吕飞'
).split(' ');
const surnames: readonly string[] = '李 王 张 刘 陈 杨 赵 黄 周 吴 徐 孙 马 朱 胡'.split(' ');
const givenNames: readonly string[] = '国强 建华 秀英 志明 海燕 文博 晓东 丽娟 春生 玉兰 永刚 红梅'.split(
  ' ',
);
const notes = [
  '现场未见值班记录。',
  '电话响铃超过五声未接听。',
  '公共区域地面有积水未及时清理。',
  '消防通道堆放杂物。',
  '员工未按规定佩戴工牌。',
  '垃圾桶满溢未及时清运。',
  '设备房巡检记录缺失。',
  '客户投诉未在时限内回访。',
  '绿化带有枯枝未修剪。',
  '电梯轿厢有明显污渍。',
  '门岗未对来访人员登记。',
  '服务用语不规范,未使用标准问候语。',
] as const;
const amendReasons = [
  '复核后调整评分:录入时选错等级。',
  '管理处补充整改证明,经复核更正。',
  '更正录入错误。',
  '区域复核意见:原评分偏严。',
] as const;

/** How many devices (tablets) sign the audits: two auditors share one. */
export const DEVICE_COUNT = 20;

interface SiteProfile {
  readonly site: Site;
  readonly regionIndex: number;
  /** Base chance that a unit is fully compliant: a few sites are consistently weak. */
  readonly quality: number;
  /** Drift over the period: some sites improve, some slip. */
  readonly trend: number;
  /** Per rubric, the item this site keeps getting wrong. */
  readonly weakItem: ReadonlyMap<string, string>;
  readonly manager: string;
}

function weightedRegion(random: Random): number {
  let r = random();
  for (const [index, region] of regions.entries()) {
    r -= region.weight;
    if (r < 0) return index;
  }
  return regions.length - 1;
}

function makeSites(count: number, seed: number, rubrics: readonly Rubric[]): SiteProfile[] {
  const random = mulberry32(streamSeed(seed, 'sites'));
  const usedNames = new Set<string>();
  const perCity = new Map<string, number>();
  return Array.from({ length: count }, (): SiteProfile => {
    const regionIndex = weightedRegion(random);
    const region = regions[regionIndex];
    if (!region) throw new Error(`no region ${regionIndex}`);
    const [city = '', cityCode = ''] = pick(random, region.cities.split(' ')).split(':');
    let name = '';
    for (let attempt = 0; attempt < 50 && (name === '' || usedNames.has(name)); attempt++) {
      name = `${pick(random, developers)}${random() < 0.5 ? city : ''}${pick(random, places)}管理处`;
    }
    for (let phase = 2; usedNames.has(name); phase++)
      name = name.replace(/(\d+期)?管理处$/, `${phase}期管理处`);
    usedNames.add(name);
    const serial = (perCity.get(cityCode) ?? 0) + 1;
    perCity.set(cityCode, serial);
    const band = random();
    const quality =
      band < 0.1
        ? between(random, 0.45, 0.6)
        : band < 0.8
          ? between(random, 0.7, 0.88)
          : between(random, 0.88, 0.96);
    return {
      site: {
        id: uuidV4(random),
        name,
        code: `${cityCode}-${String(serial).padStart(4, '0')}`,
        region: region.name,
      },
      regionIndex,
      quality,
      trend: between(random, -0.12, 0.12),
      weakItem: new Map(rubrics.map((r) => [r.id, pick(random, r.items).id])),
      manager: `${pick(random, surnames)}${pick(random, givenNames)}`,
    };
  });
}

// ---- one audit ------------------------------------------------------------------------------------

interface Planned {
  readonly index: number;
  readonly siteIndex: number;
  readonly rubricId: string;
  readonly auditedMs: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();

function strokes(random: Random): [number, number][][] {
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return Array.from({ length: 2 + intBelow(random, 2) }, () => {
    let x = between(random, 0.05, 0.3);
    let y = between(random, 0.3, 0.7);
    return Array.from({ length: 4 + intBelow(random, 5) }, (): [number, number] => {
      x = Math.min(1, x + between(random, 0.02, 0.12));
      y = Math.min(1, Math.max(0, y + between(random, -0.1, 0.1)));
      return [round(x), round(y)];
    });
  });
}

function drawGrade(random: Random, chanceCompliant: number): Grade {
  if (random() < 0.03) return 'na';
  if (random() < chanceCompliant) return 'compliant';
  const r = random();
  return r < 0.45 ? 'mostly' : r < 0.75 ? 'partly' : 'non_compliant';
}

const clamp = (n: number, low: number, high: number): number => Math.min(high, Math.max(low, n));

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(result.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  return result.value;
}

interface Made {
  readonly header: AuditHeader;
  readonly answers: Answer[];
}

interface Context {
  readonly rubrics: ReadonlyMap<string, { rubric: Rubric; fingerprint: string; units: readonly string[] }>;
  readonly sites: readonly SiteProfile[];
  readonly auditorBias: readonly number[];
  readonly fromMs: number;
  readonly toMs: number;
}

function makeAudit(random: Random, plan: Planned, context: Context): Made & { auditorIndex: number } {
  const entry = context.rubrics.get(plan.rubricId);
  const profile = context.sites[plan.siteIndex];
  if (!entry || !profile) throw new Error(`no rubric ${plan.rubricId} or site ${plan.siteIndex}`);
  const { rubric, fingerprint, units } = entry;
  // Auditors work in their own region: eight per region, the rest of the pool shared.
  const auditorIndex = profile.regionIndex * 8 + intBelow(random, 8);
  const auditor = nth(auditorNames, auditorIndex % auditorNames.length);
  const created = plan.auditedMs - intBelow(random, 20) * MINUTE;
  const finalised = plan.auditedMs + (30 + intBelow(random, 90)) * MINUTE;
  const mode: AuditMode = random() < (plan.rubricId === 'KF01' ? 0.9 : 0.3) ? 'covert' : 'onsite';
  const progress = (plan.auditedMs - context.fromMs) / Math.max(1, context.toMs - context.fromMs);
  const base =
    profile.quality +
    profile.trend * (progress - 0.5) +
    (context.auditorBias[auditorIndex] ?? 0) +
    between(random, -0.06, 0.06);
  const weakItem = profile.weakItem.get(rubric.id);
  const answers = units.map((unitId, i): Answer => {
    const chance = clamp(base - (unitId.split('.')[0] === weakItem ? 0.3 : 0), 0.05, 0.99);
    const grade = drawGrade(random, chance);
    const note = grade === 'non_compliant' && random() < 0.1 ? pick(random, notes) : '';
    const at = created + Math.round(((finalised - created) * (i + 1)) / (units.length + 2) / 1000) * 1000;
    return { unitId, grade, note, photoIds: [], updatedAt: iso(at) };
  });
  const id = uuidV4(random);
  const signedAt = iso(finalised - MINUTE);
  const draft: AuditHeader = {
    ...createAuditHeader({
      id,
      rubric,
      rubricFingerprint: fingerprint,
      site: profile.site,
      auditor,
      auditedAt: iso(plan.auditedMs),
      mode,
      now: iso(created),
    }),
    signatures: {
      auditor: { name: auditor, strokes: strokes(random), imageId: `sig-auditor-${id}`, signedAt },
      siteManager: {
        name: profile.manager,
        strokes: strokes(random),
        imageId: `sig-manager-${id}`,
        signedAt,
      },
    },
  };
  return { header: unwrap(finaliseAudit(rubric, draft, answers, iso(finalised))), answers, auditorIndex };
}

/** A correction a few days later: one or two grades changed, signed again, sealed on the same device. */
function amend(random: Random, first: Made, rubric: Rubric): Made {
  const finalisedMs = Date.parse(first.header.finalisedAt ?? first.header.updatedAt);
  const startMs = finalisedMs + (1 + intBelow(random, 4)) * DAY + intBelow(random, 480) * MINUTE;
  const endMs = startMs + (5 + intBelow(random, 25)) * MINUTE;
  const id = uuidV4(random);
  const draft = unwrap(
    amendAudit(first.header, { id, now: iso(startMs), reason: pick(random, amendReasons) }),
  );
  const changes = new Set(
    Array.from({ length: 1 + intBelow(random, 2) }, () => intBelow(random, first.answers.length)),
  );
  const answers = first.answers.map((a, i): Answer => {
    if (!changes.has(i)) return a;
    const grade: Grade = a.grade === 'compliant' ? pick(random, ['mostly', 'partly'] as const) : 'compliant';
    return { ...a, grade, note: grade === 'compliant' ? '' : a.note, updatedAt: iso(startMs + 2 * MINUTE) };
  });
  const signedAt = iso(endMs - MINUTE);
  const signed: AuditHeader = {
    ...draft,
    signatures: {
      auditor: {
        name: first.header.auditor,
        strokes: strokes(random),
        imageId: `sig-auditor-${id}`,
        signedAt,
      },
      siteManager: {
        name: first.header.signatures.siteManager?.name ?? '',
        strokes: strokes(random),
        imageId: `sig-manager-${id}`,
        signedAt,
      },
    },
  };
  return { header: unwrap(finaliseAudit(rubric, signed, answers, iso(endMs))), answers };
}

// ---- the bundle -----------------------------------------------------------------------------------

export function loadDatasetRubrics(): Rubric[] {
  return datasetRubricIds.map((id) => {
    const parsed = parseRubric(JSON.parse(readFileSync(join(root, 'rubrics', `${id}.json`), 'utf8')));
    if (!parsed.ok) throw new Error(`rubrics/${id}.json is invalid`);
    return parsed.value;
  });
}

/** Writes the bundle entry by entry, so a 10,000-audit file never sits in memory as one string. */
export async function generateDataset(options: DatasetOptions): Promise<DatasetSummary> {
  const started = performance.now();
  const audits = options.audits ?? 10_000;
  const siteCount = options.sites ?? 500;
  const months = options.months ?? 12;
  const seed = options.seed ?? 42;
  const amendRate = options.amendRate ?? 0.02;
  const progressEvery = options.progressEvery ?? 1000;
  const endDate = options.endDate ?? '2026-11-30';
  if (![audits, siteCount, months].every((n) => Number.isInteger(n) && n > 0))
    throw new Error('--audits, --sites and --months must be positive integers');

  const end = new Date(`${endDate}T00:00:00.000Z`);
  const fromMs = Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - months + 1, 1);
  const toMs = end.getTime() + DAY - 1;

  const rubrics = loadDatasetRubrics();
  const sites = makeSites(siteCount, seed, rubrics);
  const biasRandom = mulberry32(streamSeed(seed, 'auditors'));
  const context: Context = {
    rubrics: new Map(
      rubrics.map((r) => [
        r.id,
        { rubric: r, fingerprint: rubricFingerprint(r), units: gradedUnits(r).map((u) => u.id) },
      ]),
    ),
    sites,
    auditorBias: auditorNames.map(() => between(biasRandom, -0.04, 0.04)),
    fromMs,
    toMs,
  };

  // Round-robin over sites and rubrics, so every site sees every rubric about equally often; dates are random.
  const planRandom = mulberry32(streamSeed(seed, 'plan'));
  const days = Math.round((toMs + 1 - fromMs) / DAY);
  const plan: Planned[] = Array.from({ length: audits }, (_, index) => {
    const siteIndex = index % siteCount;
    const round = Math.floor(index / siteCount);
    const day = intBelow(planRandom, days);
    // 09:00–17:00 Beijing time is 01:00–09:00 UTC.
    const minute = 60 + intBelow(planRandom, 480);
    return {
      index,
      siteIndex,
      rubricId: datasetRubricIds[(round + siteIndex) % datasetRubricIds.length] ?? 'KF3',
      auditedMs: fromMs + day * DAY + minute * MINUTE,
    };
  }).sort((a, b) => a.auditedMs - b.auditedMs || a.index - b.index);

  const signers = await Promise.all(
    Array.from({ length: DEVICE_COUNT }, (_, i) => seededDeviceSigner(seed, i)),
  );
  const signatureImage: Uint8Array = new Uint8Array(
    readFileSync(join(root, 'tests', 'fixtures', 'photos', 'photo-blue.jpg')),
  );
  const signatureBase64 = toBase64Url(signatureImage);
  const image = { bytes: signatureImage, type: 'image/jpeg' };
  const format = options.format ?? 1;
  const photoRange = options.photos ?? { min: 0, max: 0 };
  if (!(Number.isInteger(photoRange.min) && Number.isInteger(photoRange.max) && photoRange.min >= 0 && photoRange.max >= photoRange.min))
    throw new Error('--photos must be a range such as 0-10');
  const photoRandom = mulberry32(streamSeed(seed, 'photos'));
  let photoCount = 0;
  /** Photos of one audit, by blob id: one in ten shows a site's notice board again, the same bytes (deduplicated). */
  const photosFor = (made: Made, siteIndex: number): { answers: Answer[]; photos: Map<string, Uint8Array> } => {
    const photos = new Map<string, Uint8Array>();
    const n = photoRange.min + intBelow(photoRandom, photoRange.max - photoRange.min + 1);
    if (n === 0) return { answers: made.answers, photos };
    const answers = made.answers.map((a) => ({ ...a, photoIds: [...a.photoIds] }));
    for (let i = 0; i < n; i++) {
      const id = `photo-${made.header.id}-${i}`;
      const key = photoRandom() < 0.1 ? `site-${siteIndex}-${intBelow(photoRandom, 3)}` : id;
      photos.set(id, seededPhoto(seed, key, signatureImage));
      const answer = answers[intBelow(photoRandom, answers.length)];
      if (answer) answer.photoIds.push(id);
    }
    photoCount += n;
    return { answers, photos };
  };
  const photosOf = new Map<string, Map<string, Uint8Array>>();

  const seal = async (
    made: Made,
    rubric: Rubric,
    device: number,
    previousHash?: string,
  ): Promise<SealedEnvelope> => {
    const signer = signers[device];
    if (!signer) throw new Error(`no device ${device}`);
    const { auditor, siteManager } = made.header.signatures;
    const blobs = new Map(
      [auditor, siteManager].flatMap((s) => (s?.imageId ? [[s.imageId, image] as const] : [])),
    );
    for (const [id, bytes] of photosOf.get(made.header.id) ?? []) blobs.set(id, { bytes, type: 'image/jpeg' });
    const sealedAt = made.header.finalisedAt ?? made.header.updatedAt;
    const result = await sealAudit(
      {
        audit: { ...made.header, answers: made.answers },
        rubric,
        blobs,
        sealedAt,
        ...(previousHash ? { previousHash } : {}),
      },
      signer,
    );
    return unwrap(result);
  };
  const imagesOf = (envelope: SealedEnvelope): Map<string, Uint8Array> => {
    const { auditor, siteManager } = envelope.payload.audit.signatures;
    const images = new Map<string, Uint8Array>(photosOf.get(envelope.payload.audit.id));
    for (const s of [auditor, siteManager]) if (s?.imageId) images.set(s.imageId, signatureImage);
    return images;
  };
  const entryJson = (envelope: SealedEnvelope): string => {
    const blobs = [...imagesOf(envelope)].map(([id, bytes]) => ({
      id,
      type: 'image/jpeg',
      base64url: bytes === signatureImage ? signatureBase64 : toBase64Url(bytes),
    }));
    return JSON.stringify({ envelope, blobs });
  };

  const out = resolve(options.out);
  // Written beside the target and renamed at the end, so an interrupted run never leaves a truncated bundle behind.
  const partial = `${out}.partial`;
  const fd = openSync(partial, 'w');
  const contentRandom = mulberry32(streamSeed(seed, 'content'));
  let entries = 0;
  let amended = 0;
  const createdAt = iso(toMs + 1 + 7 * DAY + 2 * 60 * MINUTE);
  // fflate hands out many small chunks: gathered and written once per batch, not one system call each.
  let pendingChunks: Uint8Array[] = [];
  const flush = () => {
    if (pendingChunks.length > 0) writeSync(fd, Buffer.concat(pendingChunks));
    pendingChunks = [];
  };
  const zip = format === 2 ? new BundleV2Writer((chunk) => pendingChunks.push(chunk), createdAt) : undefined;
  try {
    if (!zip)
      writeSync(
        fd,
        `{"format":"ducha.bundle","version":${BUNDLE_FORMAT_VERSION},"createdAt":"${createdAt}","audits":[\n`,
      );
    // Signing runs on libuv's thread pool: a batch in flight keeps both cores busy while the next one is built.
    const batchSize = 50;
    for (let start = 0; start < plan.length; start += batchSize) {
      const batch = plan.slice(start, start + batchSize).map((p) => {
        const rubric = context.rubrics.get(p.rubricId)?.rubric;
        if (!rubric) throw new Error(`no rubric ${p.rubricId}`);
        const made = makeAudit(contentRandom, p, context);
        const second = contentRandom() < amendRate ? amend(contentRandom, made, rubric) : undefined;
        // Photos come from their own stream, so asking for them leaves every grade and date as it was.
        const withPhotos = photosFor(made, p.siteIndex);
        photosOf.set(made.header.id, withPhotos.photos);
        const first = { ...made, answers: withPhotos.answers };
        return { rubric, first, second, device: first.auditorIndex % DEVICE_COUNT };
      });
      const sealed = await Promise.all(
        batch.map(async ({ rubric, first, second, device }) => {
          const one = await seal(first, rubric, device);
          return second ? [one, await seal(second, rubric, device, one.hash)] : [one];
        }),
      );
      if (zip) {
        for (const envelope of sealed.flat()) {
          zip.add(envelope, imagesOf(envelope));
          entries++;
        }
        flush();
      } else {
        const text = sealed
          .flat()
          .map((envelope) => `${entries++ > 0 ? ',\n' : ''}${entryJson(envelope)}`)
          .join('');
        writeSync(fd, text);
      }
      for (const b of batch) photosOf.delete(b.first.header.id);
      amended += batch.filter((b) => b.second).length;
      const done = Math.min(plan.length, start + batchSize);
      if (
        options.onProgress &&
        (Math.floor(done / progressEvery) > Math.floor(start / progressEvery) || done === plan.length)
      )
        options.onProgress(done, plan.length);
    }
    if (zip) {
      zip.finish();
      flush();
    }
    else writeSync(fd, '\n]}\n');
  } finally {
    closeSync(fd);
  }
  renameSync(partial, out);
  const devices: DatasetDevice[] = [];
  if (options.keysDir) {
    mkdirSync(options.keysDir, { recursive: true });
    for (const [i, signer] of signers.entries()) {
      const keyFile = join(resolve(options.keysDir), `device-${i}.ducha-key`);
      const file = unwrap(
        await makeDeviceKeyFile(signer, { deviceLabel: `平板 ${i + 1}`, auditor: `设备 ${i + 1}`, createdAt: iso(fromMs) }),
      );
      writeFileSync(keyFile, JSON.stringify(file));
      devices.push({ keyFile, fingerprint: keyFingerprint(signer.publicKey) });
    }
  }
  return {
    path: out,
    audits,
    amended,
    entries,
    sites: siteCount,
    bytes: statSync(out).size,
    ms: performance.now() - started,
    from: iso(fromMs),
    to: iso(toMs),
    photos: photoCount,
    devices,
  };
}

// ---- command line ---------------------------------------------------------------------------------

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, not "${text}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      audits: { type: 'string' },
      sites: { type: 'string' },
      months: { type: 'string' },
      seed: { type: 'string' },
      'amend-rate': { type: 'string' },
      photos: { type: 'string' },
      format: { type: 'string' },
      'keys-dir': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const photos = /^(\d+)(?:-(\d+))?$/.exec(values.photos ?? '0');
  if (!photos) throw new Error(`--photos is a count or a range such as 0-10, not "${values.photos ?? ''}"`);
  const format = values.format ?? '2';
  if (format !== '1' && format !== '2') throw new Error(`--format is 2 (zip) or 1 (JSON), not "${format}"`);
  if (!values.out)
    throw new Error(
      'usage: generate-dataset [--audits 10000] [--sites 500] [--months 12] [--seed 42] [--photos 0-10] [--format 2|1] [--keys-dir DIR] --out <file.ducha>',
    );
  const summary = await generateDataset({
    out: values.out,
    audits: positive('audits', values.audits, 10_000),
    sites: positive('sites', values.sites, 500),
    months: positive('months', values.months, 12),
    seed: positive('seed', values.seed, 42),
    amendRate: positive('amend-rate', values['amend-rate'], 0.02),
    photos: { min: Number(photos[1]), max: Number(photos[2] ?? photos[1]) },
    format: format === '1' ? 1 : 2,
    ...(values['keys-dir'] ? { keysDir: values['keys-dir'] } : {}),
    onProgress: (done, total) => {
      process.stdout.write(`  ${done} / ${total} audits\n`);
    },
  });
  process.stdout.write(
    `${summary.path}: ${summary.entries} entries (${summary.audits} audits, ${summary.amended} amended), ` +
      `${summary.sites} sites, ${summary.photos} photos, ${summary.from.slice(0, 10)} – ${summary.to.slice(0, 10)}, ` +
      `${(summary.bytes / 1024 / 1024).toFixed(1)} MB in ${(summary.ms / 1000).toFixed(1)} s\n`,
  );
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && resolve(invokedPath) === fileURLToPath(import.meta.url)) {
  try {
    await main();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
