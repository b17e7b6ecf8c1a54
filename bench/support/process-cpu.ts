// CPU time of other processes, read from /proc by the bench (Linux only): the server must not report its own
// CPU through an endpoint, and a child's process.cpuUsage() is not visible from here.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime/stime (100 on Linux almost always; asked, not assumed). */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  /** utime + stime of the process itself. */
  readonly ownTicks: number;
  /** cutime + cstime: children it has waited for (a PostgreSQL backend that has exited). */
  readonly reapedTicks: number;
}

function statOf(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may contain spaces: fields are counted after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const field = (n: number) => Number(fields[n - 3]);
  return { pid, ppid: field(4), ownTicks: field(14) + field(15), reapedTicks: field(16) + field(17) };
}

const pids = (): number[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);

/** CPU seconds one process has used so far (user + system). */
export function cpuSecondsOf(pid: number): number {
  const stat = statOf(pid);
  if (!stat) throw new Error(`no process ${pid} in /proc`);
  return stat.ownTicks / TICKS_PER_SECOND;
}

/**
 * CPU seconds a PostgreSQL cluster has used so far: the postmaster (found by the port in its command line),
 * every backend it runs now, and the backends it has reaped.
 */
export function postgresCpuSeconds(port: number): number {
  const postmaster = pids().find((pid) => {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return cmdline.some((arg) => /postgres$/.test(arg)) && cmdline.join(' ').includes(`-p ${port}`);
    } catch {
      return false;
    }
  });
  if (postmaster === undefined) throw new Error(`no postmaster listening on port ${port}`);
  let ticks = 0;
  for (const pid of pids()) {
    const stat = statOf(pid);
    if (!stat) continue;
    if (stat.pid === postmaster) ticks += stat.ownTicks + stat.reapedTicks;
    else if (stat.ppid === postmaster) ticks += stat.ownTicks;
  }
  return ticks / TICKS_PER_SECOND;
}
