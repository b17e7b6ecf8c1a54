import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canonicalJson,
  checkBundle,
  decodeBase64Url,
  keyId,
  runIntake,
  scoreAudit,
  gradesOf,
  toBase64Url,
  toSealedScore,
  type Grade,
  type Rubric,
  type SealedEnvelope,
  type SealSigner,
  type SealVerifier,
} from '../../src/domain/head-office';
import { webCryptoVerifier } from '../../src/crypto/webcrypto-verifier';
import { nodeVerifier } from '../../src/crypto/node-verifier';
import { FileStore } from '../support/file-intake-store';
import { loadGrades, loadRubric } from '../support/load';
import { finalisedAudit, imagesOf, nodeSigner, photoBlue, photoRed, sealed } from '../support/sealed-audit';
import { bundleOf, enrolmentOf, entryOf, getAt, highS, listAt, removeAt, setAt, signPayload } from '../support/trust';
import { malformedRubrics } from '../support/malformed-rubrics';

/**
 * Every attack is one bundle: the attacked entry between two untouched neighbours. Each is imported into
 * a fresh store whose register enrols only the genuine tablet's key. The attacked entry must be refused
 * with the expected kind and reason, nothing of it stored or held, and both neighbours stored.
 */

const kf01 = loadRubric('KF01');
const kf3 = loadRubric('KF3');
const dirs: string[] = [];
let tablet: SealSigner;
let stranger: SealSigner;
let genuineKf01: SealedEnvelope;
let genuineKf3: SealedEnvelope;
let neighbours: SealedEnvelope[];

const clone = <T>(value: T): T => structuredClone(value);

async function sealAs(rubric: Rubric, fixture: string, id: string, signer: SealSigner, site = '碧桂园凤凰城管理处'): Promise<SealedEnvelope> {
  const grades: Record<string, Grade> = {};
  for (const [unit, grade] of Object.entries(loadGrades(rubric, fixture))) if (grade) grades[unit] = grade;
  const first = Object.keys(grades)[0] ?? '1';
  const audit = { ...finalisedAudit(rubric, grades, { photoUnit: first, notes: { [first]: '前台无人接待' } }), id, lineageId: id, site: { id: 's', name: site } };
  return sealed(rubric, audit, signer);
}

/** Change the signed payload and sign it again with the genuine tablet key: only the rules can catch it. */
async function resigned(envelope: SealedEnvelope, change: (payload: unknown) => void) {
  const payload: unknown = clone(envelope.payload);
  change(payload);
  return entryOf(await signPayload(payload, tablet));
}

/** Change the envelope after sealing, without signing again. */
function edited(envelope: SealedEnvelope, change: (envelope: unknown) => void) {
  const copy: unknown = clone(envelope);
  change(copy);
  return { envelope: copy, blobs: entryOf(envelope).blobs };
}

/** The answer of one unit inside a (possibly attacked) payload. */
const answerOf = (payload: unknown, unitId: string): unknown =>
  listAt(payload, ['audit', 'answers']).find((a) => getAt(a, ['unitId']) === unitId);
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The same text with its last character's lowest bit flipped: a second spelling where tail bits are unused. */
const flipLastBit = (text: string): string => text.slice(0, -1) + alphabet.charAt(alphabet.indexOf(text.slice(-1)) ^ 1);

interface Attack {
  readonly name: string;
  readonly kind: 'malformed' | 'tampered' | 'unsigned';
  readonly reason: RegExp;
  readonly entry: () => Promise<unknown>;
}

function attacks(): Attack[] {
  const list: Attack[] = [];
  const add = (name: string, kind: Attack['kind'], reason: RegExp, entry: () => unknown) => {
    list.push({ name, kind, reason, entry: () => Promise.resolve(entry()) });
  };
  const unitNote = { unitId: '99', grade: 'compliant', note: '', photoIds: [], updatedAt: '2026-11-24T02:30:00.000Z' };

  // 1. Changed after sealing (no new signature): every graded unit of KF3, every grade and note of KF01.
  for (const unit of genuineKf3.payload.audit.answers) {
    add(`KF3 ${unit.unitId} regraded after sealing, score made to match`, 'tampered', /seal: the sealed content does not match its hash/, () =>
      edited(genuineKf3, (e) => {
        setAt(answerOf(getAt(e, ['payload']), unit.unitId), ['grade'], unit.grade === 'compliant' ? 'mostly' : 'compliant');
        const changed = genuineKf3.payload.audit.answers.map((a) => (a.unitId === unit.unitId ? { ...a, grade: unit.grade === 'compliant' ? ('mostly' as const) : ('compliant' as const) } : a));
        setAt(e, ['payload', 'score'], toSealedScore(scoreAudit(kf3, gradesOf(changed))));
      }),
    );
  }
  for (const unit of genuineKf01.payload.audit.answers) {
    add(`KF01 ${unit.unitId} regraded after sealing`, 'tampered', /seal: /, () =>
      edited(genuineKf01, (e) => {
        setAt(answerOf(getAt(e, ['payload']), unit.unitId), ['grade'], unit.grade === 'non_compliant' ? 'compliant' : 'non_compliant');
      }),
    );
    add(`KF01 ${unit.unitId} note rewritten after sealing`, 'tampered', /seal: /, () =>
      edited(genuineKf01, (e) => {
        setAt(answerOf(getAt(e, ['payload']), unit.unitId), ['note'], '一切正常');
      }),
    );
  }
  const headerEdits: [string, readonly (string | number)[], unknown][] = [
    ['site name', ['audit', 'site', 'name'], '别的管理处'],
    ['site code', ['audit', 'site', 'code'], 'SZ-001'],
    ['auditor', ['audit', 'auditor'], '张三'],
    ['auditedAt', ['audit', 'auditedAt'], '2026-10-01T02:30:00.000Z'],
    ['mode', ['audit', 'mode'], 'onsite'],
    ['sealedAt', ['sealedAt'], '2026-12-01T00:00:00.000Z'],
    ['finalisedAt', ['audit', 'finalisedAt'], '2026-12-01T00:00:00.000Z'],
    ['signer name', ['audit', 'signatures', 'siteManager', 'name'], '赵六'],
    ['score total', ['score', 'earnedH'], 9500],
    ['score percent', ['score', 'percentTenths'], 1000],
    ['rubric title', ['rubric', 'title'], '改过的标题'],
    ['rubric standard', ['rubric', 'items', 0, 'standard'], '改过的标准'],
    ['photo hash', ['blobs', 0, 'sha256'], '0'.repeat(64)],
  ];
  for (const [what, path, value] of headerEdits)
    add(`KF01 ${what} changed after sealing`, 'tampered', /seal: /, () => edited(genuineKf01, (e) => setAt(e, ['payload', ...path], value)));
  add("public key swapped for a stranger's", 'tampered', /seal: /, () =>
    edited(genuineKf01, (e) => setAt(e, ['payload', 'publicKey'], { ...stranger.publicKey })),
  );

  // 2. Signature and hash in other forms.
  add('high-S twin of the genuine signature', 'tampered', /low-S/, () => {
    const raw = decodeBase64Url(genuineKf01.signature);
    if (!raw.ok) throw new Error('sig');
    return edited(genuineKf01, (e) => setAt(e, ['signature'], toBase64Url(highS(raw.value))));
  });
  add('signature with non-zero tail bits', 'tampered', /not a P-256 signature/, () =>
    edited(genuineKf01, (e) => setAt(e, ['signature'], flipLastBit(genuineKf01.signature))),
  );
  add('signature of another audit', 'tampered', /signature does not match/, () => edited(genuineKf01, (e) => setAt(e, ['signature'], genuineKf3.signature)));
  add('signature all zero', 'tampered', /not a P-256 signature/, () => edited(genuineKf01, (e) => setAt(e, ['signature'], 'A'.repeat(86))));
  add('signature too short', 'malformed', /signature/, () => edited(genuineKf01, (e) => setAt(e, ['signature'], 'A'.repeat(85))));
  add('hash of another audit', 'tampered', /does not match its hash/, () => edited(genuineKf01, (e) => setAt(e, ['hash'], genuineKf3.hash)));
  add('hash upper case', 'malformed', /hash/, () => edited(genuineKf01, (e) => setAt(e, ['hash'], genuineKf01.hash.toUpperCase())));

  // 3. Signed by the genuine key, but not in the one exact form, or against the rules.
  add('site name padded with spaces (a trim would hide it)', 'malformed', /canonical sealed form/, () =>
    resigned(genuineKf01, (p) => setAt(p, ['audit', 'site', 'name'], ' 碧桂园凤凰城管理处 ')),
  );
  add('auditor padded with a tab', 'malformed', /canonical sealed form/, () => resigned(genuineKf01, (p) => setAt(p, ['audit', 'auditor'], '王小明\t')));
  add('extra field in the audit', 'malformed', /payload\.audit/, () => resigned(genuineKf01, (p) => setAt(p, ['audit', 'extra'], 1)));
  add('extra field in the payload', 'malformed', /payload/, () => resigned(genuineKf01, (p) => setAt(p, ['comment'], 'hi')));
  add('extra field in the public key', 'malformed', /payload\.publicKey/, () => resigned(genuineKf01, (p) => setAt(p, ['publicKey', 'ext'], true)));
  add('answer names a unit the rubric lacks', 'malformed', /payload\.audit\.answers\[\d+\]\.unitId/, () =>
    resigned(genuineKf01, (p) => listAt(p, ['audit', 'answers']).push(unitNote)),
  );
  add('answer names an item that has sub-items', 'malformed', /payload\.audit\.answers\[\d+\]\.unitId/, () =>
    resigned(genuineKf3, (p) => listAt(p, ['audit', 'answers']).push({ ...unitNote, unitId: '2' })),
  );
  add('the same unit answered twice', 'malformed', /payload\.audit\.answers\[\d+\]/, () =>
    resigned(genuineKf01, (p) => listAt(p, ['audit', 'answers']).push(clone(getAt(p, ['audit', 'answers', 1])))),
  );
  add('不适用 where the rubric says allowNA: false', 'malformed', /payload\.audit\.answers\[\d+\]\.grade/, () =>
    resigned(genuineKf01, (p) => {
      setAt(p, ['rubric', 'allowNA'], false);
      setAt(p, ['audit', 'answers', 2, 'grade'], 'na');
    }),
  );
  add('a grade whose scale level the rubric lacks', 'malformed', /payload\.rubric\.scale/, () =>
    resigned(genuineKf01, (p) => setAt(p, ['rubric', 'scale'], listAt(p, ['rubric', 'scale']).filter((l) => getAt(l, ['key']) !== 'partly'))),
  );
  add('score that does not follow from the grades (re-signed)', 'tampered', /score: /, () => resigned(genuineKf01, (p) => setAt(p, ['score', 'earnedH'], 9500)));
  add('rubric changed but fingerprint kept (re-signed)', 'tampered', /rubric: /, () => resigned(genuineKf01, (p) => setAt(p, ['rubric', 'title'], '另一个评分表')));
  add('audit claims another rubric id', 'malformed', /payload\.audit\.rubricId/, () => resigned(genuineKf01, (p) => setAt(p, ['audit', 'rubricId'], 'KF02')));
  add('revision 1 with a predecessor hash', 'malformed', /payload\.previousHash/, () => resigned(genuineKf01, (p) => setAt(p, ['previousHash'], genuineKf3.hash)));
  add("revision 1 in someone else's lineage", 'malformed', /lineageId/, () => resigned(genuineKf01, (p) => setAt(p, ['audit', 'lineageId'], genuineKf3.payload.audit.id)));
  add('revision 2 without a predecessor hash', 'malformed', /previous/, () =>
    resigned(genuineKf01, (p) => {
      setAt(p, ['audit', 'revision'], 2);
      setAt(p, ['audit', 'previousId'], genuineKf01.payload.audit.id);
      setAt(p, ['audit', 'id'], '6b1f0c2a-3d4e-4f50-8a6b-7c8d9e0f1aff');
    }),
  );
  add('a sealed draft', 'malformed', /not finalised/, () => resigned(genuineKf01, (p) => setAt(p, ['audit', 'status'], 'draft')));
  add('seal version 2 without its rules', 'malformed', /rules/, () => resigned(genuineKf01, (p) => removeAt(p, ['rules'])));
  add('unknown scoring rules', 'malformed', /rules/, () => resigned(genuineKf01, (p) => setAt(p, ['rules'], 9)));
  add('sealed image typed text/html', 'malformed', /type/, () => resigned(genuineKf01, (p) => setAt(p, ['blobs', 0, 'type'], 'text/html')));
  add('sealed image typed image/svg+xml', 'malformed', /type/, () => resigned(genuineKf01, (p) => setAt(p, ['blobs', 0, 'type'], 'image/svg+xml')));
  add('a sealed image the audit does not use', 'malformed', /does not use it/, () =>
    resigned(genuineKf01, (p) =>
      listAt(p, ['blobs']).push({ id: 'extra', kind: 'photo', unitId: '1', type: 'image/jpeg', size: 3, sha256: 'a'.repeat(64) }),
    ),
  );
  add('an image the audit uses that the seal does not cover', 'malformed', /not covered by the seal/, () =>
    resigned(genuineKf01, (p) => setAt(p, ['blobs'], listAt(p, ['blobs']).slice(1))),
  );
  add('an image sealed twice', 'malformed', /sealed twice|given twice/, () =>
    resigned(genuineKf01, (p) => listAt(p, ['blobs']).push(clone(getAt(p, ['blobs', 0])))),
  );
  add('a signature image sealed as a photo', 'malformed', /something other/, () =>
    resigned(genuineKf01, (p) => {
      const index = listAt(p, ['blobs']).findIndex((b) => getAt(b, ['kind']) === 'signature');
      setAt(p, ['blobs', index, 'kind'], 'photo');
      setAt(p, ['blobs', index, 'unitId'], '1');
      removeAt(p, ['blobs', index, 'role']);
    }),
  );
  add('public key x with non-zero tail bits', 'malformed', /payload\.publicKey\.x|signature/, () =>
    edited(genuineKf01, (e) => setAt(e, ['payload', 'publicKey', 'x'], flipLastBit(genuineKf01.payload.publicKey.x))),
  );

  // 4. Image files carried beside the seal.
  const files = () => entryOf(genuineKf01);
  add('an extra image file the seal does not name', 'tampered', /not named by the seal/, () => {
    const entry = files();
    entry.blobs.push({ id: 'payload.html', type: 'text/html', base64url: toBase64Url(new TextEncoder().encode('<script>alert(1)</script>')) });
    return entry;
  });
  add('a photo file typed text/html', 'tampered', /sealed as image\/jpeg, not text\/html/, () => {
    const entry = files();
    setAt(entry, ['blobs', 0, 'type'], 'text/html');
    return entry;
  });
  add('a photo file typed image/svg+xml', 'tampered', /not image\/svg\+xml/, () => {
    const entry = files();
    setAt(entry, ['blobs', 0, 'type'], 'image/svg+xml');
    return entry;
  });
  add('another photo in place of the sealed one', 'tampered', /photo .* differs/, () =>
    entryOf(genuineKf01, new Map([...imagesOf()].map(([id, b]) => [id, id === 'photo-1' ? photoBlue : b]))),
  );
  add('a missing photo file', 'tampered', /photo .* is missing/, () => {
    const entry = files();
    entry.blobs.splice(0, 1);
    return entry;
  });
  add('a photo file given twice', 'malformed', /given twice/, () => {
    const entry = files();
    const [first] = entry.blobs;
    if (first) entry.blobs.push({ ...first });
    return entry;
  });
  add('a photo file whose base64 has stray tail bits', 'malformed', /base64url/, () => {
    const entry = files();
    const text = getAt(entry, ['blobs', 0, 'base64url']);
    // 886 bytes → 1182 characters with 4 unused bits; setting the lowest makes a second spelling.
    if (typeof text === 'string') setAt(entry, ['blobs', 0, 'base64url'], text.slice(0, -1) + alphabet.charAt(alphabet.indexOf(text.slice(-1)) | 1));
    return entry;
  });
  add('a photo file with a padding character', 'malformed', /base64url/, () => {
    const entry = files();
    const text = getAt(entry, ['blobs', 0, 'base64url']);
    setAt(entry, ['blobs', 0, 'base64url'], `${String(text)}=`);
    return entry;
  });
  add('the signature image swapped for the photo', 'tampered', /signature .* differs/, () =>
    entryOf(genuineKf01, new Map([...imagesOf()].map(([id, b]) => [id, id === 'sig-manager' ? photoRed : b]))),
  );

  // 5. Not an entry at all.
  const junk: [string, unknown][] = [
    ['null', null],
    ['a number', 42],
    ['a string', 'envelope'],
    ['an array', []],
    ['an empty object', {}],
    ['an envelope with no payload', { envelope: {}, blobs: [] }],
    ['payload as a string', { envelope: { payload: 'x', hash: 'a'.repeat(64), signature: 'A'.repeat(86) }, blobs: [] }],
    ['blobs missing', { envelope: {} }],
  ];
  for (const [name, value] of junk) add(`entry that is ${name}`, 'malformed', /not a sealed audit/, () => value);
  add('an audit with no seal', 'unsigned', /no seal/, () => ({ audit: genuineKf01.payload.audit }));
  add('an entry nested 100,000 levels deep', 'malformed', /nested deeper/, () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    return { envelope: { payload: deep, hash: 'a'.repeat(64), signature: 'A'.repeat(86) }, blobs: [] };
  });
  return list;
}

async function importInto(dir: string, entries: readonly unknown[], verifier: SealVerifier = webCryptoVerifier) {
  const store = new FileStore(dir);
  await store.saveKeys([await enrolmentOf(tablet, '前台平板 3', '王小明')]);
  const checked = await checkBundle(bundleOf(entries), verifier);
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
  const report = await runIntake(checked.value, store, verifier, { source: 't.ducha', now: () => '2026-11-30T00:00:00.000Z' });
  return { store, report };
}

const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ducha-trust-'));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  tablet = await nodeSigner();
  stranger = await nodeSigner();
  genuineKf01 = await sealAs(kf01, 'kf01-mixed', '0f6c2b1a-1111-4aaa-8bbb-000000000001', tablet);
  genuineKf3 = await sealAs(kf3, 'kf3-mixed-cap-not-hit', '0f6c2b1a-1111-4aaa-8bbb-000000000003', tablet);
  neighbours = [
    await sealAs(kf01, 'kf01-all-compliant', '0f6c2b1a-1111-4aaa-8bbb-00000000000a', tablet, '甲管理处'),
    await sealAs(kf3, 'kf3-all-compliant', '0f6c2b1a-1111-4aaa-8bbb-00000000000b', tablet, '乙管理处'),
  ];
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('tampered bundles', () => {
  it('generates at least 120 attacks', () => {
    expect(attacks().length).toBeGreaterThanOrEqual(120);
  });

  // The browser checks with WebCrypto, the CLI and server with node:crypto: both must refuse every attack.
  it.each([
    ['WebCrypto', webCryptoVerifier],
    ['node:crypto', nodeVerifier],
  ])('refuses every attack with its reason, stores nothing of it, and stores both neighbours (%s)', async (_name, verifier) => {
    const outcomes: string[] = [];
    for (const attack of attacks()) {
      const [first, second] = neighbours;
      const dir = freshDir();
      const { store, report } = await importInto(dir, [entryOf(first!), await attack.entry(), entryOf(second!)], verifier);
      const refused = report.refused.map((r) => `${r.index} ${r.kind}: ${r.reason}`);
      const line = `${attack.name} → ${refused.join(' | ')}`;
      outcomes.push(line);
      expect(report.refused, line).toHaveLength(1);
      expect(report.refused[0]?.index, line).toBe(1);
      expect(report.refused[0]?.kind, line).toBe(attack.kind);
      expect(report.refused[0]?.reason, line).toMatch(attack.reason);
      expect(report.accepted.map((a) => a.siteName).sort(), line).toEqual(['乙管理处', '甲管理处']);
      expect(report.held, line).toEqual([]);
      expect((await store.all()).map((e) => e.envelope.payload.audit.site.name).sort(), line).toEqual(['乙管理处', '甲管理处']);
      expect(await store.held(), line).toEqual([]);
      rmSync(dir, { recursive: true, force: true });
    }
    expect(outcomes.length).toBeGreaterThanOrEqual(120);
  });

  it('refuses every malformed rubric inside a genuinely signed envelope, with the path inside the rubric', async () => {
    // A bundle is JSON: a rubric JSON cannot carry (NaN, Infinity, undefined) never reaches a receiver.
    const representable = malformedRubrics.filter(({ rubric }) => {
      try {
        return canonicalJson(JSON.parse(JSON.stringify(rubric))) === canonicalJson(rubric);
      } catch {
        return false;
      }
    });
    expect(representable.length).toBeGreaterThanOrEqual(60);
    const entries = [];
    for (const { rubric } of representable) {
      const payload: unknown = clone(genuineKf01.payload);
      setAt(payload, ['rubric'], rubric);
      entries.push(entryOf(await signPayload(payload, tablet)));
    }
    const checked = await checkBundle(bundleOf([entryOf(neighbours[0]!), ...entries]), webCryptoVerifier);
    if (!checked.ok) throw new Error('bundle');
    const [neighbour, ...verdicts] = checked.value;
    expect(neighbour?.status).toBe('valid');
    verdicts.forEach((verdict, i) => {
      const { name, path } = representable[i]!;
      expect(verdict.status, name).toBe('refused');
      if (verdict.status !== 'refused') return;
      expect(verdict.kind, `${name}: ${verdict.reason}`).toBe('malformed');
      // The reason names the place inside the envelope's rubric (or the nesting limit that stopped reading).
      const where = path === '(root)' ? 'envelope.payload.rubric' : `envelope.payload.rubric.${path}`;
      expect(verdict.reason.includes(where) || /nested deeper/.test(verdict.reason), `${name}: ${verdict.reason}`).toBe(true);
    });
  });
});

describe('who signed, and which revision counts', () => {
  it('holds an audit re-sealed with a fresh key (key substitution) as 待确认签名, out of the comparison', async () => {
    const forged = await sealAs(kf01, 'kf01-all-compliant', genuineKf01.payload.audit.id, stranger);
    const { store, report } = await importInto(freshDir(), [entryOf(forged)]);
    expect(report.accepted).toEqual([]);
    expect(report.held.map((h) => [h.auditId, h.reason, h.signer])).toEqual([[genuineKf01.payload.audit.id, 'unknown-key', keyId(stranger.publicKey)]]);
    expect(await store.facts()).toEqual([]);
    // The genuine audit arriving later wins its place; the forgery stays aside as a conflict-in-waiting.
    const genuine = await checkBundle(bundleOf([entryOf(genuineKf01)]), webCryptoVerifier);
    if (!genuine.ok) throw new Error('bundle');
    const second = await runIntake(genuine.value, store, webCryptoVerifier, { source: 'b', now: () => '2026-11-30T01:00:00.000Z' });
    expect(second.accepted.map((a) => a.auditId)).toEqual([genuineKf01.payload.audit.id]);
    expect((await store.facts()).map((f) => f.earnedH)).toEqual([genuineKf01.payload.score.earnedH]);
  });

  it('never lets a forged revision 2 replace the genuine revision 1', async () => {
    const dir = freshDir();
    await importInto(dir, [entryOf(genuineKf01)]);
    const store = new FileStore(dir);
    const rev2 = (over: Partial<SealedEnvelope['payload']>) => ({
      ...clone(genuineKf01.payload),
      audit: { ...clone(genuineKf01.payload.audit), id: '0f6c2b1a-1111-4aaa-8bbb-0000000000f2', revision: 2, previousId: genuineKf01.payload.audit.id, amendReason: '更正', answers: genuineKf01.payload.audit.answers.map((a) => ({ ...a, grade: 'compliant' as const })) },
      ...over,
    });
    const rescore = (p: ReturnType<typeof rev2>) => ({ ...p, score: toSealedScore(scoreAudit(p.rubric, gradesOf(p.audit.answers))) });
    // By a stranger's key, chained correctly: held, not compared.
    const byStranger = await signPayload(rescore(rev2({ previousHash: genuineKf01.hash, publicKey: stranger.publicKey })), stranger);
    // By the genuine tablet, but chained to a made-up predecessor: a conflict.
    const badChain = await signPayload(rescore(rev2({ previousHash: 'f'.repeat(64) })), tablet);
    // With no predecessor hash at all: malformed.
    const unchained = await signPayload(rescore(rev2({})), tablet);
    const checked = await checkBundle(bundleOf([entryOf(byStranger), entryOf(badChain), entryOf(unchained)]), webCryptoVerifier);
    if (!checked.ok) throw new Error('bundle');
    const report = await runIntake(checked.value, store, webCryptoVerifier, { source: 'forged.ducha', now: () => '2026-11-30T00:00:00.000Z' });
    expect(report.accepted).toEqual([]);
    expect(report.refused.map((r) => [r.index, r.kind])).toEqual([[2, 'malformed']]);
    expect(report.held.map((h) => h.reason)).toEqual(['unknown-key']);
    expect(report.conflicts.map((c) => [c.existing.auditId, c.existing.hash, c.incomingHash])).toEqual([
      [genuineKf01.payload.audit.id, genuineKf01.hash, badChain.hash],
    ]);
    const facts = await store.facts();
    expect(facts.map((f) => [f.auditId, f.revision, f.earnedH])).toEqual([[genuineKf01.payload.audit.id, 1, 6300]]);
    expect(await store.conflicts()).toHaveLength(1);
  });

  it('holds revision 2 until revision 1 arrives, then takes both in order', async () => {
    const rev2payload = {
      ...clone(genuineKf01.payload),
      audit: { ...clone(genuineKf01.payload.audit), id: '0f6c2b1a-1111-4aaa-8bbb-0000000000f2', revision: 2, previousId: genuineKf01.payload.audit.id, amendReason: '更正' },
      previousHash: genuineKf01.hash,
    };
    const rev2 = await signPayload(rev2payload, tablet);
    const dir = freshDir();
    const first = await importInto(dir, [entryOf(rev2)]);
    expect(first.report.held.map((h) => h.reason)).toEqual(['missing-predecessor']);
    const second = await importInto(dir, [entryOf(genuineKf01)]);
    expect(second.report.accepted.map((a) => a.revision)).toEqual([1, 2]);
    expect(second.report.released).toEqual(['0f6c2b1a-1111-4aaa-8bbb-0000000000f2']);
    expect(await second.store.held()).toEqual([]);
  });

  it('does not re-verify audits held for their key on every import (only an admin act can release them)', async () => {
    const dir = freshDir();
    const strangers = [];
    for (let i = 0; i < 3; i++)
      strangers.push(
        entryOf(await sealAs(kf01, 'kf01-mixed', `0f6c2b1a-1111-4aaa-8bbb-0000000001${String(i).padStart(2, '0')}`, stranger)),
      );
    const first = await importInto(dir, strangers);
    expect(first.report.held).toHaveLength(3);
    let calls = 0;
    const counting: typeof webCryptoVerifier = (key, signature, data) => {
      calls++;
      return webCryptoVerifier(key, signature, data);
    };
    const checked = await checkBundle(bundleOf([entryOf(genuineKf01)]), counting);
    if (!checked.ok) throw new Error('bundle');
    const report = await runIntake(checked.value, first.store, counting, {
      source: 'next.ducha',
      now: () => '2026-11-30T00:00:00.000Z',
    });
    expect(report.accepted).toHaveLength(1);
    expect(calls).toBe(1);
    expect(await first.store.held()).toHaveLength(3);
  });

  it('refuses an audit sealed by a revoked key after its revocation, and keeps one sealed before', async () => {
    const dir = freshDir();
    const store = new FileStore(dir);
    const key = await enrolmentOf(tablet, '前台平板 3', '王小明');
    // sealedAt of the fixtures is 2026-11-24T02:30Z.
    await store.saveKeys([{ ...key, revokedAt: '2026-11-24T02:30:00.000Z' }]);
    const checked = await checkBundle(bundleOf([entryOf(genuineKf01)]), webCryptoVerifier);
    if (!checked.ok) throw new Error('bundle');
    const report = await runIntake(checked.value, store, webCryptoVerifier, { source: 'x', now: () => '2026-11-30T00:00:00.000Z' });
    expect(report.refused.map((r) => r.kind)).toEqual(['revoked']);
    await store.saveKeys([{ ...key, revokedAt: '2026-11-24T02:30:00.001Z' }]);
    const again = await runIntake(checked.value, store, webCryptoVerifier, { source: 'x', now: () => '2026-11-30T00:00:00.000Z' });
    expect(again.accepted).toHaveLength(1);
  });
});
