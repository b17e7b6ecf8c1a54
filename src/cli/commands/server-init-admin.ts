import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { z } from 'zod';
import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../../server/auth/audit-log';
import { MIN_PASSWORD_LENGTH } from '../../server/auth/password';
import { createUser, displayNameSchema, hasActiveAdmin, passwordSchema, usernameSchema } from '../../server/auth/users';
import type { Database } from '../../server/db/tables';
import { StartupError } from '../../server/startup-error';
import type { CliIo } from '../io';
import { withDatabase } from './server-database';

export const initAdminUsage = `ducha server init-admin --username <name> [--display-name <name>] [--data-dir ./data] [--database-url postgres://…] [--force-another]
                                                        the first 总部管理员; the password is read from stdin (one line)
                                                        or asked for twice on a terminal`;

const argsSchema = z.strictObject({
  username: usernameSchema.optional(),
  displayName: displayNameSchema.optional(),
  dataDir: z.string().min(1).default('./data'),
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  forceAnother: z.boolean().default(false),
});

/** Where the password comes from: stdin's first line when piped, a hidden prompt (asked twice) on a terminal. */
export interface PasswordSource {
  read(): Promise<string>;
}

async function createFirstAdmin(
  db: Kysely<Database>,
  options: { username: string; displayName: string; password: string; forceAnother: boolean },
  io: CliIo,
): Promise<number> {
  if (!options.forceAnother && (await hasActiveAdmin(db))) {
    io.err('server init-admin: an admin already exists; sign in as them to add accounts, or pass --force-another to add one more admin here');
    return 1;
  }
  const created = await createUser(db, { username: options.username, displayName: options.displayName, role: 'admin', password: options.password });
  if (!created.ok) {
    for (const issue of created.issues) io.err(`server init-admin: --${issue.path}: ${issue.message}`);
    return 1;
  }
  await recordAuditEvent(db, {
    action: 'admin-created',
    actor: { userId: null, username: '(ducha server init-admin)' },
    target: created.value.username,
    detail: { userId: created.value.id, forceAnother: options.forceAnother },
  });
  io.out(`总部管理员 ${created.value.username} (${created.value.displayName}) created, id ${created.value.id}: sign in at /api/session or in the app`);
  return 0;
}

export async function initAdminCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
  password: PasswordSource,
): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      username: { type: 'string' },
      'display-name': { type: 'string' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      'force-another': { type: 'boolean' },
    },
  });
  const parsed = argsSchema.safeParse({
    username: values.username,
    displayName: values['display-name'] ?? values.username,
    dataDir: values['data-dir'] ?? (env.DUCHA_DATA_DIR || undefined),
    databaseUrl: values['database-url'] ?? (env.DATABASE_URL || undefined),
    forceAnother: values['force-another'] ?? false,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) io.err(`server init-admin: --${String(issue.path[0] ?? '')}: ${issue.message}`);
    return 1;
  }
  const { username, displayName, dataDir, databaseUrl, forceAnother } = parsed.data;
  if (username === undefined || displayName === undefined) {
    io.err(`server init-admin: --username <name> is required\n\n${initAdminUsage}`);
    return 1;
  }
  try {
    const typed = passwordSchema.safeParse(await password.read());
    if (!typed.success) {
      io.err(`server init-admin: the password ${typed.error.issues[0]?.message ?? `must be at least ${MIN_PASSWORD_LENGTH} characters`}: nothing was created`);
      return 1;
    }
    const options = { username, displayName, password: typed.data, forceAnother };
    return await withDatabase({ dataDir, databaseUrl }, io, (db) => createFirstAdmin(db, options, io), 'server init-admin');
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    io.err(`server init-admin: ${error.message}`);
    return 1;
  }
}

/** Reads stdin's first line (piped), or asks twice without echo (a terminal). */
export const stdinPassword: PasswordSource = {
  read: async () => {
    if (!process.stdin.isTTY) {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
      return (Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '').trim();
    }
    const ask = (question: string) =>
      new Promise<string>((resolve) => {
        process.stderr.write(question);
        const silent = new Writable({
          write: (_chunk, _encoding, done) => {
            done();
          },
        });
        const rl = createInterface({ input: process.stdin, output: silent, terminal: true });
        rl.question('', (answer) => {
          rl.close();
          process.stderr.write('\n');
          resolve(answer);
        });
      });
    const first = await ask('Password for the new admin (密码): ');
    const second = await ask('Again (再次输入): ');
    if (first !== second) throw new StartupError('the two passwords typed differ: nothing was created, run it again');
    return first;
  },
};
