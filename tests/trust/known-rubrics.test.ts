import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isShippedRubric, rubricFingerprint, SHIPPED_RUBRICS } from '../../src/domain/head-office';
import { loadRubric, repoRoot } from '../support/load';

describe('shipped rubric versions', () => {
  it('lists every rubric in rubrics/, so a receiver never holds a shipped one as unknown', () => {
    const files = readdirSync(join(repoRoot, 'rubrics')).filter((f) => /^[A-Z]+(?:\d+|-[A-Z]+)\.json$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const rubric = loadRubric(file.replace(/\.json$/, ''));
      const fingerprint = rubricFingerprint(rubric);
      expect(isShippedRubric(fingerprint), `${file} ${fingerprint}`).toBe(true);
      expect(SHIPPED_RUBRICS.get(fingerprint)).toBe(rubric.id);
    }
  });

  it('keeps the versions tablets in the field still score against (KF3 with cap)', () => {
    expect(SHIPPED_RUBRICS.get('sha256:dcb5ad036640340c780fc539f06affa33a645c62d5ffac96c19a8b33c91e211e')).toBe('KF3');
  });
});
