import type { Kysely } from 'kysely';
import type { Database } from '../db/tables';
import type { Principal } from './roles';

/** What the audit log records: admin actions, sign-ins that failed, uploads refused for who sent them. */
export type AuditAction =
  | 'login'
  | 'login-failed'
  | 'admin-created'
  | 'user-created'
  | 'user-disabled'
  | 'password-reset'
  | 'sites-set'
  | 'device-enrolled'
  | 'device-revoked'
  | 'device-enrol-refused'
  | 'audit-handed-over'
  | 'upload-refused'
  | 'upload-throttled'
  | 'rubric-published'
  | 'ranking-definition-published'
  | 'kpi-figures-uploaded'
  | 'site-changed'
  | 'site-proposal-decided'
  | 'backup-downloaded';

export interface AuditEvent {
  readonly action: AuditAction;
  readonly actor?: Pick<Principal, 'userId' | 'username'> | { readonly userId: null; readonly username: string };
  readonly target?: string;
  readonly ip?: string;
  readonly detail?: Readonly<Record<string, unknown>>;
  readonly at?: Date;
}

export async function recordAuditEvent(db: Kysely<Database>, event: AuditEvent): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: (event.at ?? new Date()).toISOString(),
      action: event.action,
      actor_user_id: event.actor?.userId ?? null,
      actor_username: event.actor?.username ?? null,
      target: event.target ?? null,
      ip: event.ip ?? null,
      detail: JSON.stringify(event.detail ?? {}),
    })
    .execute();
}
