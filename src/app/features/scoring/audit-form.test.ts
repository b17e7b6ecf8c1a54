import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradesOf, parseRubric, scoreAudit, type Rubric } from '../../../domain/index';
import { AuditStore } from '../../../storage/audit-store';
import { DuchaDb } from '../../../storage/db';
import { AuditForm } from './audit-form';

const kf3: Rubric = (() => {
  const parsed = parseRubric(
    JSON.parse(
      readFileSync(join(import.meta.dirname, '..', '..', '..', '..', 'rubrics', 'KF3.json'), 'utf8'),
    ),
  );
  if (!parsed.ok) throw new Error('rubrics/KF3.json');
  return parsed.value;
})();

let tick = 0;
const clock = () => new Date(Date.UTC(2026, 10, 24, 2, 0, tick++)).toISOString();

async function kf3Form() {
  const store = new AuditStore(new DuchaDb(`form-${Math.random().toString(36).slice(2)}`), clock);
  const header = await store.createAudit({
    rubric: kf3,
    site: { name: '万科·城市花园' },
    auditor: '李明',
    auditedAt: '2026-11-24T09:30:00.000Z',
    mode: 'onsite',
  });
  await store.saveGrade(header.id, '1.1', 'compliant');
  const read = await store.readAudit(header.id);
  if (read === undefined) throw new Error('not stored');
  const form = new AuditForm(read);
  const told: string[] = [];
  for (const id of ['1', '1.1', '1.3', '2', '2.1', '5', '5.1', '5.1.4'])
    form.subscribeNode(id, () => told.push(id));
  form.subscribe(() => told.push('score or header'));
  return { store, id: header.id, form, told };
}

const reread = async (store: AuditStore, id: string) => {
  const read = await store.readAudit(id);
  if (read === undefined) throw new Error('gone');
  return read;
};

describe('AuditForm (the scoring form’s audit in memory)', () => {
  it('applies a stored answer at once, telling only its unit, the items above it and the score', async () => {
    const { store, id, form, told } = await kf3Form();
    const untouched = form.getNodeScore('2');
    form.applyAnswer(await store.saveGrade(id, '5.1.4', 'mostly'));
    expect(told.sort()).toEqual(['5', '5.1', '5.1.4', 'score or header']);
    expect(form.getAnswer('5.1.4')?.grade).toBe('mostly');
    expect(form.getScore()).toEqual(scoreAudit(kf3, { '1.1': 'compliant', '5.1.4': 'mostly' }));
    expect(form.getNodeScore('2')).toBe(untouched);
  });

  it('merges a read that holds nothing new without telling anyone or replacing any object', async () => {
    const { store, id, form, told } = await kf3Form();
    form.applyAnswer(await store.saveGrade(id, '1.3', 'partly'));
    told.length = 0;
    const answer = form.getAnswer('1.3');
    const score = form.getScore();
    const header = form.getHeader();
    form.receive(await reread(store, id)); // the live read after that write: updatedAt moved, nothing shown did
    expect(told).toEqual([]);
    expect(form.getAnswer('1.3')).toBe(answer);
    expect(form.getScore()).toBe(score);
    expect(form.getHeader()).toBe(header);
  });

  it('takes in another tab’s writes from a read: the changed units, their items, the score', async () => {
    const { store, id, form, told } = await kf3Form();
    const otherTab = new AuditStore(store.db, clock);
    await otherTab.saveGrade(id, '2.1', 'non_compliant');
    await otherTab.saveNote(id, '1.1', '前台无人');
    form.receive(await reread(store, id));
    expect(told.sort()).toEqual(['1.1', '2', '2.1', 'score or header']);
    expect(form.getAnswer('1.1')?.note).toBe('前台无人');
    const read = await reread(store, id);
    expect(form.getScore()).toEqual(scoreAudit(kf3, gradesOf(read.answers)));
  });

  it('tells the page when the header changes in what it shows (e.g. 定稿 elsewhere), not for updatedAt alone', async () => {
    const { store, id, form, told } = await kf3Form();
    await store.saveSignatureDraft(id, 'auditor', { name: '李明', strokes: [] });
    form.receive(await reread(store, id));
    expect(told).toEqual(['score or header']);
    expect(form.getHeader().signatures.auditor?.name).toBe('李明');
  });
});
