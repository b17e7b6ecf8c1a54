import { describe, expect, it } from 'vitest';
import { serverKeysCommand, serverUsersCommand } from '../../src/cli/commands/server-accounts';
import { shortKeyId } from '../../src/domain/index';
import { openServices } from '../../src/server/open-services';
import { startServer } from '../../src/server/start-server';
import { nodeSigner } from '../support/sealed-audit';
import { useBackend } from './support/backends';
import { signIn } from './support/sessions';
import { enrol } from './support/uploads';

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
}
const password = (text: string) => ({ read: () => Promise.resolve(text) });

describe('ducha server users / keys on the embedded database', () => {
  const backend = useBackend('PGlite');

  it('adds, lists and disables accounts (a disabled one cannot sign in), lists and revokes device keys', async () => {
    const config = await backend.freshConfig();
    const at = ['--data-dir', config.dataDir];

    const added = captured();
    expect(await serverUsersCommand(['add', '--username', 'zhang', '--role', 'site-manager', '--display-name', '张经理', '--sites', 'name:碧桂园, name:万科', ...at], {}, added.io, password('site manager password'))).toBe(0);
    expect(added.out).toEqual([expect.stringMatching(/^zhang \(管理处负责人\) created, id \d+$/)]);
    const auditor = captured();
    expect(await serverUsersCommand(['add', '--username', 'wang', '--role', 'auditor', ...at], {}, auditor.io, password('auditor password 1'))).toBe(0);

    // Refused, each with what is wrong: a role that does not exist, a short password, a taken name, sites on an auditor.
    const badRole = captured();
    expect(await serverUsersCommand(['add', '--username', 'li', '--role', 'boss', ...at], {}, badRole.io, password('long enough password'))).toBe(1);
    expect(badRole.err[0]).toMatch(/--role \(admin, auditor or site-manager\)/);
    const short = captured();
    expect(await serverUsersCommand(['add', '--username', 'li', '--role', 'auditor', ...at], {}, short.io, password('short'))).toBe(1);
    expect(short.err[0]).toMatch(/^server users add: the password .*nothing was created$/);
    const taken = captured();
    expect(await serverUsersCommand(['add', '--username', 'ZHANG', '--role', 'auditor', ...at], {}, taken.io, password('long enough password'))).toBe(1);
    expect(taken.err).toEqual(['server users add: username: the username ZHANG is taken']);
    const sitesOnAuditor = captured();
    expect(await serverUsersCommand(['add', '--username', 'li', '--role', 'auditor', '--sites', 'name:x', ...at], {}, sitesOnAuditor.io, password('long enough password'))).toBe(1);
    expect(sitesOnAuditor.err[0]).toMatch(/siteKeys: only a 管理处负责人/);

    const list = captured();
    expect(await serverUsersCommand(['list', ...at], {}, list.io, password(''))).toBe(0);
    expect(list.out.map((line) => line.split('\t').slice(1).join('|'))).toEqual([
      'zhang|张经理|site-manager 管理处负责人|name:万科,name:碧桂园',
      'wang|wang|auditor 督查员|-',
    ]);

    // A key enrolled to wang, then listed and revoked from the console.
    const opened = await openServices(config);
    const key = await enrol(opened.services.db, await nodeSigner(), '王小明');
    await opened.close();
    const keys = captured();
    expect(await serverKeysCommand(['list', ...at], {}, keys.io)).toBe(0);
    expect(keys.out).toEqual([`${shortKeyId(key.keyId)}\t前台平板 3\t王小明\t2026-11-01T00:00:00.000Z`]);
    const unknown = captured();
    expect(await serverKeysCommand(['revoke', '0123456789abcdef', ...at], {}, unknown.io)).toBe(1);
    expect(unknown.err.join('\n')).toMatch(/0123456789abcdef/);
    const revoked = captured();
    expect(await serverKeysCommand(['revoke', key.keyId.slice(0, 16), '--reason', '平板丢失', ...at], {}, revoked.io)).toBe(0);
    expect(revoked.out[0]).toMatch(/revoked: what it seals from now on is refused$/);
    const after = captured();
    await serverKeysCommand(['list', ...at], {}, after.io);
    expect(after.out[0]).toMatch(/\(revoked 已吊销 .*: 平板丢失\)$/);

    const disabled = captured();
    expect(await serverUsersCommand(['disable', 'Wang', ...at], {}, disabled.io, password(''))).toBe(0);
    expect(disabled.out).toEqual(['wang disabled; every session of it is ended']);

    const server = await startServer(config, { logger: false });
    try {
      await expect(signIn(server.url, 'wang', 'auditor password 1')).rejects.toThrow();
      await signIn(server.url, 'zhang', 'site manager password');
      // While the server holds the embedded data dir, the console commands say so and change nothing.
      const locked = captured();
      expect(await serverUsersCommand(['disable', 'zhang', ...at], {}, locked.io, password(''))).toBe(1);
      expect(locked.err.join('\n')).toMatch(/in use by another Ducha server/);
    } finally {
      await server.close();
    }
  }, 180_000);
});
