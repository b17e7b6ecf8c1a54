import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { recordAuditEvent } from '../../server/auth/audit-log';
import { uploadKpiFigures } from '../../server/ranking/kpi-figures-store';
import type { CliIo } from '../io';
import { withDatabase, whereOf } from './server-database';

export const serverKpiUsage = `ducha server kpi import <figures.csv|figures.xlsx> --as <admin username> [--data-dir …] [--database-url …]
                                                        KPI figures stored as POST /api/kpi-figures stores them:
                                                        every bad line named and nothing stored (exit 1), else one
                                                        upload recorded under that admin, changed figures as new versions`;

/**
 * `ducha server kpi import`: a figures file stored through the same store as the API's upload, attributed to the
 * 总部管理员 named by --as (an upload is always someone's; only an admin may upload over the API either).
 */
export async function serverKpiCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: CliIo): Promise<number> {
  const [action, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: [...rest],
    allowPositionals: true,
    options: { as: { type: 'string' }, 'data-dir': { type: 'string' }, 'database-url': { type: 'string' } },
  });
  const [file] = positionals;
  if (action !== 'import' || file === undefined || positionals.length !== 1 || values.as === undefined) {
    io.err(`server kpi: ${serverKpiUsage}`);
    return 1;
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch {
    io.err(`${file}：无法读取文件`);
    return 1;
  }
  const username = values.as;
  return withDatabase(
    whereOf(values, env),
    io,
    async (db) => {
      const user = await db
        .selectFrom('users')
        .select(['id', 'username', 'role', 'disabled_at'])
        .where('username', '=', username)
        .executeTakeFirst();
      if (!user || user.role !== 'admin' || user.disabled_at !== null) {
        io.err(`server kpi import: --as ${username}: 没有这个在用的总部管理员账号`);
        return 1;
      }
      const uploaded = await uploadKpiFigures(db, { bytes, fileName: basename(file), userId: user.id, uploadedBy: user.username, at: new Date().toISOString() });
      if (!uploaded.ok) {
        for (const issue of uploaded.issues) io.err(`${file}：第 ${String(issue.line)} 行：${issue.reason}`);
        io.err(`${String(uploaded.issues.length)} 行有误，未存入任何数值`);
        return 1;
      }
      const receipt = uploaded.value;
      await recordAuditEvent(db, {
        action: 'kpi-figures-uploaded',
        actor: { userId: user.id, username: user.username },
        target: receipt.fileSha256,
        detail: { uploadId: receipt.uploadId, fileName: basename(file), newVersions: receipt.newVersions, via: 'ducha server kpi import' },
      });
      io.out(
        `上传 ${String(receipt.uploadId)}：${basename(file)}（${receipt.encoding}，SHA-256 ${receipt.fileSha256}）${String(receipt.figures)} 个数值，新版本 ${String(receipt.newVersions)} 个，未变 ${String(receipt.unchanged)} 个`,
      );
      return 0;
    },
    'server kpi import',
  );
}
