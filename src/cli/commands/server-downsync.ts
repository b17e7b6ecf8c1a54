import { parseArgs } from 'node:util';
import { recordAuditEvent } from '../../server/auth/audit-log';
import { publishRubric } from '../../server/downsync/published-rubrics';
import { listSites, setSite } from '../../server/downsync/sites-store';
import { readJsonFile, type CliIo } from '../io';
import { whereOf, withDatabase } from './server-database';

export const serverDownSyncUsage = `ducha server sites list [--data-dir ./data] [--database-url postgres://…]
                                                        every site: code, name, region, manager, retired
  ducha server sites set <code> --name <名称> [--region <区域>] [--manager <user>] [--retire] [--data-dir …]
                                                        create or change a site (tablets get it at their next sync)
  ducha server rubrics publish <rubric.json> [--data-dir …] [--database-url …]
                                                        publish a rubric version for new audits on every tablet`;

const CONNECTION = { 'data-dir': { type: 'string' }, 'database-url': { type: 'string' } } as const;

/** Who a CLI act is recorded under in the audit log: the operator at the server's console. */
const CONSOLE = { userId: null, username: '(ducha server)' } as const;

export async function serverSitesCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: CliIo): Promise<number> {
  const [action, ...rest] = argv;
  if (action === 'list') {
    const { values } = parseArgs({ args: [...rest], options: CONNECTION });
    return withDatabase(whereOf(values, env), io, async (db) => {
      const sites = await listSites(db);
      if (sites.length === 0) io.out('no sites yet: add one with ducha server sites set <code> --name <名称>');
      for (const site of sites)
        io.out([site.code, site.name, site.region || '-', site.manager ?? '-', site.active ? '' : '(retired 已停用)'].join('\t').trimEnd());
      return 0;
    });
  }
  if (action === 'set') {
    const { values, positionals } = parseArgs({
      args: [...rest],
      allowPositionals: true,
      options: { ...CONNECTION, name: { type: 'string' }, region: { type: 'string' }, manager: { type: 'string' }, retire: { type: 'boolean' } },
    });
    const [code] = positionals;
    if (code === undefined || values.name === undefined) {
      io.err(`server sites set: give the code and --name\n\n${serverDownSyncUsage}`);
      return 1;
    }
    return withDatabase(whereOf(values, env), io, async (db) => {
      const site = await setSite(
        db,
        code,
        { name: values.name, region: values.region ?? '', manager: values.manager ?? null, active: !(values.retire ?? false) },
        new Date().toISOString(),
      );
      if (!site.ok) {
        for (const issue of site.issues) io.err(`server sites set: ${issue.path}: ${issue.message}`);
        return 1;
      }
      await recordAuditEvent(db, { action: 'site-changed', actor: CONSOLE, target: site.value.code, detail: { ...site.value } });
      io.out(`${site.value.code} ${site.value.name}: saved (sync position ${site.value.changeSeq})`);
      return 0;
    });
  }
  io.err(`server sites: use\n  ${serverDownSyncUsage}`);
  return 1;
}

export async function serverRubricsCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: CliIo): Promise<number> {
  const [action, ...rest] = argv;
  if (action !== 'publish') {
    io.err(`server rubrics: use\n  ${serverDownSyncUsage}`);
    return 1;
  }
  const { values, positionals } = parseArgs({ args: [...rest], allowPositionals: true, options: CONNECTION });
  const [file] = positionals;
  if (file === undefined) {
    io.err('server rubrics publish: give the rubric file (rubric.json)');
    return 1;
  }
  const json = await readJsonFile(file);
  if (!json.ok) {
    for (const issue of json.issues) io.err(`${file}: ${issue.path}: ${issue.message}`);
    return 1;
  }
  return withDatabase(whereOf(values, env), io, async (db) => {
    const published = await publishRubric(db, json.value, CONSOLE.username, new Date().toISOString());
    if (!published.ok) {
      for (const issue of published.issues) io.err(`${file}: ${issue.path}: ${issue.message}`);
      return 1;
    }
    const { rubric, status } = published.value;
    if (status === 'published')
      await recordAuditEvent(db, { action: 'rubric-published', actor: CONSOLE, target: rubric.fingerprint, detail: { rubricId: rubric.rubricId } });
    io.out(`${rubric.rubricId} ${rubric.title} ${rubric.fingerprint}: ${status === 'published' ? 'published (tablets get it at their next sync)' : 'already published, nothing changed'}`);
    return 0;
  });
}
