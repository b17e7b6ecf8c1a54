import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webCryptoVerifier } from '../../src/crypto/webcrypto-verifier';
import { bundleSchema, checkBundle, siteKeyOf, type Bundle } from '../../src/domain/head-office';
import { generateDataset, type DatasetSummary } from '../../scripts/generate-dataset';

// A higher amendment rate than the default 2%, so a data set this small is sure to hold corrections.
const options = { audits: 60, sites: 10, months: 3, seed: 7, amendRate: 0.1 } as const;

let dir = '';
let summary: DatasetSummary;
let text = '';
let bundle: Bundle;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ducha-dataset-'));
  summary = await generateDataset({ ...options, out: join(dir, 'a.ducha') });
  text = readFileSync(summary.path, 'utf8');
  bundle = bundleSchema.parse(JSON.parse(text));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** ECDSA signatures are randomised; everything else must follow from the seed alone. */
const withoutSignatures = (bundleText: string): string =>
  bundleText.replace(/"signature":"[A-Za-z0-9_-]{86}"/g, '"signature":"…"');

describe('generateDataset', () => {
  it('writes a bundle of sealed audits that all verify', async () => {
    expect(bundleSchema.safeParse(JSON.parse(text)).success).toBe(true);
    const checked = await checkBundle(JSON.parse(text), webCryptoVerifier);
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
    expect(checked.value.filter((v) => v.status !== 'valid')).toEqual([]);
    expect(checked.value).toHaveLength(summary.entries);
  });

  it('holds every audit plus every amended revision, all finalised', () => {
    const revisions = bundle.audits.map((e) => e.envelope.payload.audit.revision);
    expect(revisions.filter((r) => r === 1)).toHaveLength(options.audits);
    expect(revisions.filter((r) => r === 2)).toHaveLength(summary.amended);
    expect(summary.amended).toBeGreaterThan(0);
    expect(bundle.audits).toHaveLength(options.audits + summary.amended);
    expect(summary.entries).toBe(bundle.audits.length);
    for (const { envelope, blobs } of bundle.audits) {
      const { audit } = envelope.payload;
      expect(audit.status).toBe('finalised');
      expect(audit.finalisedAt).toBeDefined();
      expect(audit.signatures.auditor?.imageId).toBeDefined();
      expect(audit.signatures.siteManager?.imageId).toBeDefined();
      expect(blobs.map((b) => b.id).sort()).toEqual(envelope.payload.blobs.map((b) => b.id).sort());
    }
  });

  it('gives the same bundle for the same seed, signatures aside', async () => {
    const again = await generateDataset({ ...options, out: join(dir, 'b.ducha') });
    const textAgain = readFileSync(again.path, 'utf8');
    expect(withoutSignatures(textAgain)).toBe(withoutSignatures(text));
    const hashes = (t: string) => bundleSchema.parse(JSON.parse(t)).audits.map((e) => e.envelope.hash);
    expect(hashes(textAgain)).toEqual(hashes(text));
    const other = await generateDataset({ ...options, seed: options.seed + 1, out: join(dir, 'c.ducha') });
    expect(hashes(readFileSync(other.path, 'utf8'))).not.toEqual(hashes(text));
  });

  it('spreads the rubrics over every site and the audits over the period', () => {
    const rubricsBySite = new Map<string, Set<string>>();
    for (const { envelope } of bundle.audits) {
      const { audit } = envelope.payload;
      const key = siteKeyOf(audit.site);
      rubricsBySite.set(key, (rubricsBySite.get(key) ?? new Set()).add(audit.rubricId));
      expect(audit.auditedAt >= summary.from && audit.auditedAt <= summary.to).toBe(true);
    }
    expect(rubricsBySite.size).toBe(options.sites);
    for (const rubrics of rubricsBySite.values()) expect(rubrics.size).toBeGreaterThan(1);
  });

  it('chains each revision 2 to its revision 1 by id, lineage and hash', () => {
    const byId = new Map(bundle.audits.map((e) => [e.envelope.payload.audit.id, e.envelope]));
    const seconds = bundle.audits.filter((e) => e.envelope.payload.audit.revision === 2);
    expect(seconds.length).toBeGreaterThan(0);
    for (const { envelope } of seconds) {
      const { audit, previousHash } = envelope.payload;
      const first = audit.previousId ? byId.get(audit.previousId) : undefined;
      expect(first?.payload.audit.revision).toBe(1);
      expect(audit.lineageId).toBe(first?.payload.audit.id);
      expect(previousHash).toBe(first?.hash);
      expect(audit.amendReason).toBeTruthy();
    }
  });
});
