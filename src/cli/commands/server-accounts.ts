import { parseArgs } from 'node:util';
import { shortKeyId } from '../../domain/index';
import { recordAuditEvent } from '../../server/auth/audit-log';
import { roleSchema, ROLE_LABELS } from '../../server/auth/roles';
import { createUser, disableUser, listUsers, passwordSchema } from '../../server/auth/users';
import { readFile } from 'node:fs/promises';
import { readDeviceKeyFile } from '../../domain/index';
import { nodeVerifier } from '../../crypto/node-verifier';
import { enrolDeviceKey, keyRegister, revokeDeviceKey } from '../../server/intake/key-register-store';
import type { CliIo } from '../io';
import { withDatabase, whereOf } from './server-database';
import type { PasswordSource } from './server-init-admin';

export const serverAccountsUsage = `ducha server users list [--data-dir …] [--database-url …]
                                                        every account: id, username, role, sites, disabled
  ducha server users add --username <name> --role admin|auditor|site-manager [--display-name <name>] [--sites A,B]
                                                        a new account; the password is read from stdin (one line)
  ducha server users disable <username>                 disable an account and end its sessions (its audits stay)
  ducha server keys list [--data-dir …] [--database-url …]
                                                        the server's key register: fingerprint, device, auditor, revoked
  ducha server keys add <file.ducha-key> --fingerprint "<as the tablet shows it>" [--label …] [--auditor …]
                                                        enrol a tablet that cannot sign in (its key file, by hand);
                                                        the typed fingerprint must match the file's key
  ducha server keys revoke <fingerprint> [--reason <text>]
                                                        what the key seals from now on is refused`;

const CONNECTION = { 'data-dir': { type: 'string' }, 'database-url': { type: 'string' } } as const;
/** Who a CLI act is recorded under in the audit log: the operator at the server's console. */
const CONSOLE = { userId: null, username: '(ducha server)' } as const;

type Env = Readonly<Record<string, string | undefined>>;

export async function serverUsersCommand(argv: readonly string[], env: Env, io: CliIo, password: PasswordSource): Promise<number> {
  const [action, ...rest] = argv;
  if (action === 'list') {
    const { values } = parseArgs({ args: [...rest], options: CONNECTION });
    return withDatabase(whereOf(values, env), io, async (db) => {
      const users = await listUsers(db);
      if (users.length === 0) io.out('no accounts yet: create the first admin with ducha server init-admin');
      for (const user of users)
        io.out(
          [
            String(user.id),
            user.username,
            user.displayName,
            `${user.role} ${ROLE_LABELS[user.role]}`,
            user.siteKeys.join(',') || '-',
            user.disabledAt === null ? '' : `(disabled 已停用 ${user.disabledAt})`,
          ]
            .join('\t')
            .trimEnd(),
        );
      return 0;
    });
  }
  if (action === 'add') {
    const { values } = parseArgs({
      args: [...rest],
      options: { ...CONNECTION, username: { type: 'string' }, role: { type: 'string' }, 'display-name': { type: 'string' }, sites: { type: 'string' } },
    });
    const role = roleSchema.safeParse(values.role);
    if (values.username === undefined || !role.success) {
      io.err(`server users add: give --username and --role (admin, auditor or site-manager)\n\n  ${serverAccountsUsage}`);
      return 1;
    }
    const typed = passwordSchema.safeParse(await password.read());
    if (!typed.success) {
      io.err(`server users add: the password ${typed.error.issues[0]?.message ?? 'is not acceptable'}: nothing was created`);
      return 1;
    }
    const siteKeys = (values.sites ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    const username = values.username;
    return withDatabase(whereOf(values, env), io, async (db) => {
      const created = await createUser(db, {
        username,
        displayName: values['display-name'] ?? username,
        role: role.data,
        password: typed.data,
        ...(siteKeys.length > 0 ? { siteKeys } : {}),
      });
      if (!created.ok) {
        for (const issue of created.issues) io.err(`server users add: ${issue.path}: ${issue.message}`);
        return 1;
      }
      await recordAuditEvent(db, { action: 'user-created', actor: CONSOLE, target: created.value.username, detail: { userId: created.value.id, role: created.value.role } });
      io.out(`${created.value.username} (${ROLE_LABELS[created.value.role]}) created, id ${created.value.id}`);
      return 0;
    });
  }
  if (action === 'disable') {
    const { values, positionals } = parseArgs({ args: [...rest], allowPositionals: true, options: CONNECTION });
    const [username] = positionals;
    if (username === undefined) {
      io.err('server users disable: name the account (username)');
      return 1;
    }
    return withDatabase(whereOf(values, env), io, async (db) => {
      const user = (await listUsers(db)).find((u) => u.username.toLowerCase() === username.toLowerCase());
      if (!user) {
        io.err(`server users disable: no account ${username} (see ducha server users list)`);
        return 1;
      }
      const disabled = await disableUser(db, user.id);
      if (!disabled.ok) {
        for (const issue of disabled.issues) io.err(`server users disable: ${issue.path}: ${issue.message}`);
        return 1;
      }
      await recordAuditEvent(db, { action: 'user-disabled', actor: CONSOLE, target: user.username, detail: { userId: user.id } });
      io.out(`${user.username} disabled; every session of it is ended`);
      return 0;
    });
  }
  io.err(`server users: use\n  ${serverAccountsUsage}`);
  return 1;
}

export async function serverKeysCommand(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  const [action, ...rest] = argv;
  if (action === 'list') {
    const { values } = parseArgs({ args: [...rest], options: CONNECTION });
    return withDatabase(whereOf(values, env), io, async (db) => {
      const keys = await keyRegister(db);
      if (keys.length === 0) io.out('no device keys enrolled yet: tablets enrol theirs when an auditor signs in');
      for (const key of keys)
        io.out(
          [shortKeyId(key.keyId), key.deviceLabel, key.auditor, key.enrolledAt, key.revokedAt === undefined ? '' : `(revoked 已吊销 ${key.revokedAt}${key.revokedReason ? `: ${key.revokedReason}` : ''})`]
            .join('\t')
            .trimEnd(),
        );
      return 0;
    });
  }
  if (action === 'add') {
    const { values, positionals } = parseArgs({
      args: [...rest],
      allowPositionals: true,
      options: { ...CONNECTION, fingerprint: { type: 'string' }, label: { type: 'string' }, auditor: { type: 'string' } },
    });
    const [file] = positionals;
    const { fingerprint } = values;
    if (file === undefined || fingerprint === undefined) {
      io.err('server keys add: name the .ducha-key file and type --fingerprint as the tablet shows it (设置 → 设备密钥)');
      return 1;
    }
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      io.err(`server keys add: ${file}: not a readable key file (${error instanceof Error ? error.message : String(error)})`);
      return 1;
    }
    const content = await readDeviceKeyFile(json, nodeVerifier);
    if (!content.ok) {
      for (const issue of content.issues) io.err(`server keys add: ${file}: ${issue.path}: ${issue.message}`);
      return 1;
    }
    return withDatabase(whereOf(values, env), io, async (db) => {
      // The typed fingerprint is the check that the file is the tablet's: enrolKey refuses a mismatch.
      const enrolled = await enrolDeviceKey(db, content.value, {
        fingerprint,
        at: new Date().toISOString(),
        ...(values.label ? { deviceLabel: values.label } : {}),
        ...(values.auditor ? { auditor: values.auditor } : {}),
      });
      if (!enrolled.ok) {
        for (const issue of enrolled.issues) io.err(`server keys add: ${issue.path}: ${issue.message}`);
        return 1;
      }
      await recordAuditEvent(db, { action: 'device-enrolled', actor: CONSOLE, target: enrolled.value.keyId, detail: { deviceLabel: enrolled.value.deviceLabel } });
      io.out(`${shortKeyId(enrolled.value.keyId)} (${enrolled.value.deviceLabel}, ${enrolled.value.auditor}) enrolled: what it seals is taken in from now on`);
      return 0;
    });
  }
  if (action === 'revoke') {
    const { values, positionals } = parseArgs({ args: [...rest], allowPositionals: true, options: { ...CONNECTION, reason: { type: 'string' } } });
    const [fingerprint] = positionals;
    if (fingerprint === undefined) {
      io.err('server keys revoke: give the key fingerprint (at least 16 hex digits, as ducha server keys list shows it)');
      return 1;
    }
    return withDatabase(whereOf(values, env), io, async (db) => {
      const revoked = await revokeDeviceKey(db, fingerprint, new Date().toISOString(), values.reason);
      if (!revoked.ok) {
        for (const issue of revoked.issues) io.err(`server keys revoke: ${issue.path}: ${issue.message}`);
        return 1;
      }
      await recordAuditEvent(db, { action: 'device-revoked', actor: CONSOLE, target: revoked.value.keyId, detail: { reason: values.reason ?? null } });
      io.out(`${shortKeyId(revoked.value.keyId)} (${revoked.value.deviceLabel}, ${revoked.value.auditor}) revoked: what it seals from now on is refused`);
      return 0;
    });
  }
  io.err(`server keys: use\n  ${serverAccountsUsage}`);
  return 1;
}
