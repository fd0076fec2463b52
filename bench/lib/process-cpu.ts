/**
 * CPU time used by a server: a process and all its descendants, from /proc. On a busy
 * machine wall-clock figures swing with other work; CPU spent per unit of work swings less,
 * so the server suite prints it beside the throughput.
 */
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux architecture Node supports

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime of the process itself. */
  own: number;
  /** cutime + cstime: children it has already reaped. */
  reaped: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses; the fields after the last ')' do not.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const num = (i: number): number => Number(fields[i] ?? 0);
    // fields[0] is the state (field 3 of stat); ppid is field 4, utime..cstime fields 14-17.
    return { pid, ppid: num(1), own: num(11) + num(12), reaped: num(13) + num(14) };
  } catch {
    return undefined; // exited while we looked
  }
}

/**
 * CPU seconds used so far by `root` and every live descendant, plus the descendants `root`
 * has already reaped (Dovecot's master reaps its per-session processes).
 */
export function readTreeCpuSeconds(root: number): number {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.push(stat);
  }
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) {
    const list = children.get(stat.ppid) ?? [];
    list.push(stat);
    children.set(stat.ppid, list);
  }
  const rootStat = stats.find((s) => s.pid === root);
  if (!rootStat) throw new Error(`process ${root} is not running`);
  let ticks = rootStat.own + rootStat.reaped;
  const queue = [...(children.get(root) ?? [])];
  for (let stat = queue.shift(); stat; stat = queue.shift()) {
    ticks += stat.own + stat.reaped;
    queue.push(...(children.get(stat.pid) ?? []));
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}
