import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRubric, type CallTiming, type Rubric } from '../domain/index';
import { AuditStore } from './audit-store';
import { DuchaDb } from './db';
import { StorageError } from './storage-error';

function shippedRubric(id: string): Rubric {
  const result = parseRubric(
    JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'rubrics', `${id}.json`), 'utf8')),
  );
  if (!result.ok) throw new Error(id);
  return result.value;
}

const dbName = `ducha-timing-${Math.random().toString(36).slice(2)}`;
let tick = 0;
const clock = () => new Date(Date.UTC(2026, 10, 24, 2, 0, tick++)).toISOString();
const open = () => new AuditStore(new DuchaDb(dbName), clock);
afterEach(async () => {
  await Dexie.delete(dbName);
});

const timing: CallTiming = {
  version: 1,
  dialledAt: '2026-11-24T02:30:00.000Z',
  answeredAt: '2026-11-24T02:30:08.250Z',
  rings: 2,
};

describe('the call timing in storage', () => {
  it('is kept with the answer of its unit beside the grade and note, survives reopening, and can be cleared', async () => {
    const store = open();
    const header = await store.createAudit({
      rubric: shippedRubric('KF01'),
      site: { name: '碧桂园凤凰城管理处' },
      auditor: '王小明',
      auditedAt: '2026-11-24T02:00:00.000Z',
      mode: 'covert',
    });
    await store.saveGrade(header.id, '3', 'mostly');
    await store.saveNote(header.id, '3', '铃响四声后接听');
    await store.saveTiming(header.id, '3', timing);
    const reopened = await open().getAudit(header.id);
    expect(reopened?.answers.find((a) => a.unitId === '3')).toMatchObject({
      grade: 'mostly',
      note: '铃响四声后接听',
      timing,
    });
    // The grade is the auditor's: timing never changes the score.
    expect(reopened?.score.nodes.find((n) => n.id === '3')?.earnedH).toBe(400);

    await store.saveTiming(header.id, '3', undefined);
    const cleared = (await store.getAudit(header.id))?.answers.find((a) => a.unitId === '3');
    expect(cleared && 'timing' in cleared).toBe(false);
    expect(cleared?.grade).toBe('mostly');
  });

  it('refuses a timing whose times are out of order, and keeps what was saved', async () => {
    const store = open();
    const header = await store.createAudit({
      rubric: shippedRubric('KF01'),
      site: { name: '碧桂园凤凰城管理处' },
      auditor: '王小明',
      auditedAt: '2026-11-24T02:00:00.000Z',
      mode: 'covert',
    });
    await store.saveTiming(header.id, '3', timing);
    const error: unknown = await store
      .saveTiming(header.id, '3', {
        version: 1,
        dialledAt: '2026-11-24T02:31:00.000Z',
        answeredAt: '2026-11-24T02:30:00.000Z',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(error instanceof StorageError && error.message).toContain('接通时间早于拨出时间');
    expect((await store.getAudit(header.id))?.answers.find((a) => a.unitId === '3')?.timing).toEqual(timing);
  });
});
