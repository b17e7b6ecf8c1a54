import { sql, type Kysely } from 'kysely';
import { fail, ok, type Result } from '../../domain/index';
import type { Database } from '../db/tables';
import { hashPassword } from './password';
import { type Role } from './roles';
import { revokeUserSessions } from './sessions';
import { roleSchema, type NewUser } from '../../domain/wire';

export { displayNameSchema, newUserSchema, passwordSchema, siteKeySchema, usernameSchema, type NewUser } from '../../domain/wire';

export interface UserSummary {
  readonly id: number;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly siteKeys: readonly string[];
  readonly createdAt: string;
  readonly disabledAt: string | null;
}

export async function listUsers(db: Kysely<Database>, ids?: readonly number[]): Promise<UserSummary[]> {
  if (ids?.length === 0) return [];
  let query = db.selectFrom('users').selectAll().orderBy('id');
  if (ids) query = query.where('id', 'in', [...ids]);
  const rows = await query.execute();
  const sites = await db.selectFrom('user_sites').selectAll().orderBy('site_key').execute();
  return rows.map((row) => ({
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: roleSchema.parse(row.role),
    siteKeys: sites.filter((s) => s.user_id === row.id).map((s) => s.site_key),
    createdAt: row.created_at.toISOString(),
    disabledAt: row.disabled_at?.toISOString() ?? null,
  }));
}

export async function findUser(db: Kysely<Database>, id: number): Promise<UserSummary | undefined> {
  const [user] = await listUsers(db, [id]);
  return user;
}

export async function hasActiveAdmin(db: Kysely<Database>): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** The account a sign-in names, whatever the case typed. */
export function userForLogin(db: Kysely<Database>, username: string) {
  return db
    .selectFrom('users')
    .select(['id', 'username', 'password_hash', 'disabled_at'])
    .where(sql<string>`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst();
}

export async function createUser(db: Kysely<Database>, input: NewUser, now: Date = new Date()): Promise<Result<UserSummary>> {
  if (input.role !== 'site-manager' && (input.siteKeys?.length ?? 0) > 0)
    return fail([{ path: 'siteKeys', message: 'only a 管理处负责人 (site-manager) has sites' }]);
  const passwordHash = await hashPassword(input.password);
  const id = await db.transaction().execute(async (trx) => {
    const taken = await userForLogin(trx, input.username);
    if (taken) return undefined;
    const row = await trx
      .insertInto('users')
      .values({
        username: input.username,
        display_name: input.displayName,
        role: input.role,
        password_hash: passwordHash,
        created_at: now.toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const siteKey of new Set(input.siteKeys ?? []))
      await trx.insertInto('user_sites').values({ user_id: row.id, site_key: siteKey }).execute();
    return row.id;
  });
  if (id === undefined) return fail([{ path: 'username', message: `the username ${input.username} is taken` }]);
  const created = await findUser(db, id);
  if (!created) throw new Error(`user ${id} vanished right after it was created`);
  return ok(created);
}

/** Disables an account and signs it out everywhere; its audits and keys stay as they are. */
export async function disableUser(db: Kysely<Database>, id: number, now: Date = new Date()): Promise<Result<UserSummary>> {
  const user = await findUser(db, id);
  if (!user) return fail([{ path: 'id', message: `no user ${id}` }]);
  if (user.disabledAt === null)
    await db.updateTable('users').set({ disabled_at: now.toISOString() }).where('id', '=', id).execute();
  await revokeUserSessions(db, id, now);
  const after = await findUser(db, id);
  return after ? ok(after) : fail([{ path: 'id', message: `no user ${id}` }]);
}

/** Sets a new password and signs the account out everywhere (whoever knew the old one is out). */
export async function resetPassword(db: Kysely<Database>, id: number, password: string, now: Date = new Date()): Promise<Result<UserSummary>> {
  const user = await findUser(db, id);
  if (!user) return fail([{ path: 'id', message: `no user ${id}` }]);
  await db.updateTable('users').set({ password_hash: await hashPassword(password) }).where('id', '=', id).execute();
  await revokeUserSessions(db, id, now);
  return ok(user);
}

export async function setUserSites(db: Kysely<Database>, id: number, siteKeys: readonly string[]): Promise<Result<UserSummary>> {
  const user = await findUser(db, id);
  if (!user) return fail([{ path: 'id', message: `no user ${id}` }]);
  if (user.role !== 'site-manager')
    return fail([{ path: 'siteKeys', message: `${user.username} is a ${user.role}; only a 管理处负责人 (site-manager) has sites` }]);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('user_sites').where('user_id', '=', id).execute();
    for (const siteKey of new Set(siteKeys)) await trx.insertInto('user_sites').values({ user_id: id, site_key: siteKey }).execute();
  });
  const after = await findUser(db, id);
  return after ? ok(after) : fail([{ path: 'id', message: `no user ${id}` }]);
}
