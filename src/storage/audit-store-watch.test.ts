import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRubric, type Answer } from '../domain/index';
import { AuditStore, type AuditRead } from './audit-store';
import { DuchaDb } from './db';
import { StorageError } from './storage-error';

const kf3 = (() => {
  const parsed = parseRubric(
    JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'rubrics', 'KF3.json'), 'utf8')),
  );
  if (!parsed.ok) throw new Error('rubrics/KF3.json');
  return parsed.value;
})();

async function kf3Audit() {
  const store = new AuditStore(new DuchaDb(`watch-${Math.random().toString(36).slice(2)}`));
  const header = await store.createAudit({
    rubric: kf3,
    site: { name: '万科·城市花园' },
    auditor: '李明',
    auditedAt: '2026-11-24T09:30:00.000Z',
    mode: 'onsite',
  });
  return { store, id: header.id };
}

describe('AuditStore: what a form needs to follow an audit', () => {
  it('onAnswerSaved hears each committed answer as stored, before the write resolves, and never a refused one', async () => {
    const { store, id } = await kf3Audit();
    const heard: [string, Answer][] = [];
    const stop = store.onAnswerSaved((auditId, answer) => heard.push([auditId, answer]));
    const saving = store.saveGrade(id, '1.2', 'mostly').then((answer) => {
      expect(heard.map(([, a]) => a)).toContainEqual(answer);
      return answer;
    });
    const saved = await saving;
    await store.saveNote(id, '1.2', '台账缺页');
    await expect(store.saveGrade(id, '9.9', 'mostly')).rejects.toBeInstanceOf(StorageError);
    stop();
    await store.saveGrade(id, '1.3', 'partly');
    expect(heard.map(([auditId, a]) => [auditId, a.unitId, a.grade, a.note])).toEqual([
      [id, '1.2', 'mostly', ''],
      [id, '1.2', 'mostly', '台账缺页'],
    ]);
    expect(heard[0]?.[1]).toEqual(saved);
  });

  it('watchAudit reads the audit, then again after a write, unscored; undefined once deleted', async () => {
    const { store, id } = await kf3Audit();
    const reads: (AuditRead | undefined)[] = [];
    const stop = store.watchAudit(
      id,
      (read) => reads.push(read),
      (error: unknown) => {
        throw error;
      },
    );
    await expect.poll(() => reads.length).toBe(1);
    await store.saveGrade(id, '2.1', 'compliant');
    await expect.poll(() => reads.at(-1)?.answers.find((a) => a.unitId === '2.1')?.grade).toBe('compliant');
    expect(reads.at(-1)).not.toHaveProperty('score');
    await store.deleteDraft(id);
    await expect.poll(() => reads.length > 1 && reads.at(-1) === undefined).toBe(true);
    stop();
  });
});
