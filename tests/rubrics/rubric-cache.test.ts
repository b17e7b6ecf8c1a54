import 'fake-indexeddb/auto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  checkShippedRubrics,
  shippedRubricModule,
  shippedRubricsModule,
} from '../../build-plugins/shipped-rubrics';
import { formatIssue, parseRubric, rubricFingerprint, type Rubric } from '../../src/domain/index';
import { SHIPPED_RUBRICS } from '../../src/domain/head-office';
import { AuditStore, type TrustedRubrics } from '../../src/storage/audit-store';
import { DuchaDb } from '../../src/storage/db';
import { StorageError } from '../../src/storage/storage-error';
import { loadRubric, repoRoot } from '../support/load';

const checks = { parseRubric, rubricFingerprint, formatIssue };
const rubricsDir = join(repoRoot, 'rubrics');
const shippedFiles = readdirSync(rubricsDir)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((file) => ({ file, text: readFileSync(join(rubricsDir, file), 'utf8') }));

/** KF02 as shipped, with one standard reworded: same id, other content. */
function rewordedKf02(): Rubric {
  const kf02 = loadRubric('KF02');
  const [first, ...rest] = kf02.items;
  if (first?.children?.[0] === undefined) throw new Error('KF02 item 1 has sub-items');
  const [sub, ...subs] = first.children;
  return {
    ...kf02,
    items: [{ ...first, children: [{ ...sub, standard: `${sub.standard}(修订)` }, ...subs] }, ...rest],
  };
}

describe('the build checks and fingerprints the shipped rubrics', () => {
  it('each shipped copy is the file exactly as parseRubric reads it, under its fingerprint', () => {
    const shipped = checkShippedRubrics(checks, shippedFiles);
    expect(shipped.map((r) => r.file)).toEqual(['KF01.json', 'KF02.json', 'KF3.json', 'KPI-CC.json', 'KPI-YYT.json']);
    for (const { file, fingerprint, rubric } of shipped) {
      const id = file.replace('.json', '');
      expect(rubric).toEqual(loadRubric(id));
      expect(fingerprint).toBe(rubricFingerprint(loadRubric(id)));
      // The same fingerprints head office knows as shipped.
      expect(SHIPPED_RUBRICS.get(fingerprint)).toBe(id);
    }
  });

  it('a changed rubric file with the same id gets its own fingerprint, not the old copy', () => {
    const original = checkShippedRubrics(checks, shippedFiles).find((r) => r.file === 'KF02.json');
    const changed = checkShippedRubrics(checks, [
      { file: 'KF02.json', text: JSON.stringify(rewordedKf02()) },
    ]);
    expect(changed[0]?.rubric.id).toBe('KF02');
    expect(changed[0]?.fingerprint).toBe(rubricFingerprint(rewordedKf02()));
    expect(changed[0]?.fingerprint).not.toBe(original?.fingerprint);
  });

  it('a changed rubric file that is no longer valid fails the build, naming the file and the place', () => {
    const kf02 = loadRubric('KF02');
    const broken = {
      ...kf02,
      items: kf02.items.map((item) => (item.id === '3' ? { ...item, points: 31 } : item)),
    };
    expect(() => checkShippedRubrics(checks, [{ file: 'KF02.json', text: JSON.stringify(broken) }])).toThrow(
      /KF02\.json: items\[2\]\.points: .*31/,
    );
    expect(() => checkShippedRubrics(checks, [{ file: 'KF02.json', text: '{ "id": ' }])).toThrow(
      /KF02\.json: not JSON/,
    );
  });

  it('the modules the app imports carry the checked copy and its fingerprint', async () => {
    const [kf01] = checkShippedRubrics(checks, shippedFiles);
    if (kf01 === undefined) throw new Error('no KF01');
    const module: unknown = await import(
      `data:text/javascript,${encodeURIComponent(shippedRubricModule(kf01))}`
    );
    expect(module).toEqual(expect.objectContaining({ default: loadRubric('KF01') }));
    const index = shippedRubricsModule([kf01]);
    expect(index).toContain(`fingerprint: "${kf01.fingerprint}"`);
    expect(index).toContain(
      `import("virtual:shipped-rubric/${kf01.fingerprint.slice('sha256:'.length)}/rubric-KF01")`,
    );
  });
});

describe('AuditStore.getRubric: shipped copies by fingerprint, anything else checked in full', () => {
  let db: DuchaDb;
  beforeEach(() => {
    db = new DuchaDb(`ducha-rubric-cache-${Math.random().toString(36).slice(2)}`);
  });
  const store = (trusted: TrustedRubrics = new Map()) => new AuditStore(db, undefined, undefined, trusted);
  const storeRow = (fingerprint: string, content: unknown) =>
    db.rubrics.put({ fingerprint, rubricId: 'KF02', content, storedAt: '2026-11-24T02:00:00.000Z' });
  const storageError = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => (error instanceof StorageError ? `${error.kind}: ${error.message}` : String(error)),
    );

  it('a shipped rubric is the build’s copy, loaded once: the stored copy is not read', async () => {
    const kf02 = loadRubric('KF02');
    const fingerprint = rubricFingerprint(kf02);
    // Were the stored row read, this would be refused as corrupt.
    await storeRow(fingerprint, { not: 'a rubric' });
    let loads = 0;
    const load = () => {
      loads++;
      return Promise.resolve(kf02);
    };
    const audits = store(new Map([[fingerprint, load]]));
    expect(await audits.getRubric(fingerprint)).toBe(kf02);
    expect(await audits.getRubric(fingerprint)).toBe(kf02);
    expect(loads).toBe(1);
  });

  it('a rubric from outside this build is parsed: an invalid stored one is refused', async () => {
    const fingerprint = rubricFingerprint(rewordedKf02());
    await storeRow(fingerprint, { ...rewordedKf02(), allowNA: 'yes' });
    const shipped = loadRubric('KF02');
    const audits = store(new Map([[rubricFingerprint(shipped), () => Promise.resolve(shipped)]]));
    expect(await storageError(audits.getRubric(fingerprint))).toMatch(
      new RegExp(`^corrupt: stored rubric ${fingerprint}: allowNA: `),
    );
  });

  it('a stored rubric whose content is not what its fingerprint names is refused (same id, changed text)', async () => {
    const shippedFingerprint = rubricFingerprint(loadRubric('KF02'));
    // The reworded KF02 is a valid rubric with the same id, stored under the original's fingerprint.
    await storeRow(shippedFingerprint, rewordedKf02());
    expect(await storageError(store().getRubric(shippedFingerprint))).toBe(
      `corrupt: stored rubric ${shippedFingerprint}: its content has the fingerprint ${rubricFingerprint(rewordedKf02())}`,
    );
  });

  it('a rubric from an earlier version of the app (valid, stored under its own fingerprint) is read', async () => {
    const earlier = rewordedKf02();
    const fingerprint = rubricFingerprint(earlier);
    await storeRow(fingerprint, earlier);
    expect(await store().getRubric(fingerprint)).toEqual(earlier);
  });

  it('a shipped copy that cannot be loaded (offline, chunk not on the device) falls back to the stored copy', async () => {
    const kf02 = loadRubric('KF02');
    const fingerprint = rubricFingerprint(kf02);
    await storeRow(fingerprint, kf02);
    const unavailable = () => Promise.reject(new Error('Failed to fetch dynamically imported module'));
    expect(await store(new Map([[fingerprint, unavailable]])).getRubric(fingerprint)).toEqual(kf02);
  });
});
