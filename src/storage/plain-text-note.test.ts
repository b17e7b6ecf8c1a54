import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRubric } from '../domain/index';
import { AuditStore } from './audit-store';
import { DuchaDb } from './db';
import { StorageError } from './storage-error';

const parsed = parseRubric(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'rubrics', 'KF02.json'), 'utf8')));
if (!parsed.ok) throw new Error('KF02');
const kf02 = parsed.value;
const dbName = `ducha-plain-text-${Math.random().toString(36).slice(2)}`;
let tick = 0;
const clock = () => new Date(Date.UTC(2026, 10, 24, 2, 0, tick++)).toISOString();

afterEach(async () => {
  await Dexie.delete(dbName);
});

// Head office refuses a note with a control character (PostgreSQL cannot hold NUL): the tablet must not keep one it could never send.
describe('a note with a control character is never saved on the tablet', () => {
  it('refuses a NUL in a note and keeps the note that was there', async () => {
    const store = new AuditStore(new DuchaDb(dbName), clock);
    const audit = await store.createAudit({
      rubric: kf02,
      site: { name: '碧桂园凤凰城管理处', code: 'SZ-01', region: '华南' },
      auditor: '王小明',
      auditedAt: '2026-11-24T09:30:00.000Z',
      mode: 'covert',
    });
    await store.saveNote(audit.id, '1.2', '工牌未佩戴端正');
    const error: unknown = await store.saveNote(audit.id, '1.2', '工牌\u0000未佩戴').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StorageError);
    if (error instanceof StorageError) {
      expect(error.kind).toBe('invalid');
      expect(error.message).toContain('控制字符');
    }
    const stored = await store.getAudit(audit.id);
    expect(stored?.answers.find((a) => a.unitId === '1.2')?.note).toBe('工牌未佩戴端正');
    // A note over several lines is ordinary text.
    await store.saveNote(audit.id, '1.2', '工牌未佩戴端正\n前台无人');
    expect((await store.getAudit(audit.id))?.answers.find((a) => a.unitId === '1.2')?.note).toBe('工牌未佩戴端正\n前台无人');
    store.db.close();
  });
});
