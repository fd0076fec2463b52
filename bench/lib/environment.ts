/** What the figures were measured on, recorded with every result so runs can be compared. */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { runProgram } from '../../test/helpers/child-process';

/** The machine and the programs a run used. */
export interface BenchEnvironment {
  node: string;
  cpus: number;
  cpuModel: string;
  memoryMiB: number;
  loadAverage: number[];
  openFiles: { soft: string; hard: string } | undefined;
  gitCommit: string | undefined;
  curl: string | undefined;
  python: string | undefined;
  dovecot: string | undefined;
}

/** The open-files limit of this process, read from /proc (Node has no getrlimit). */
export function readOpenFilesLimit(): { soft: string; hard: string } | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const fields = line?.trim().split(/\s{2,}/);
    if (!fields || fields.length < 3) return undefined;
    return { soft: fields[1] ?? '?', hard: fields[2] ?? '?' };
  } catch {
    return undefined;
  }
}

/** The first line a program prints (some print their version on stderr); undefined when it fails. */
async function firstLine(command: string, args: string[]): Promise<string | undefined> {
  try {
    const { code, stdout, stderr } = await runProgram(command, args, { timeoutMs: 5_000 });
    if (code !== 0) return undefined;
    return (stdout.toString('utf8') || stderr.toString('utf8')).split('\n')[0]?.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Describes the machine and the versions of the peer programs. */
export async function describeEnvironment(): Promise<BenchEnvironment> {
  const [gitCommit, curl, python, dovecot] = await Promise.all([
    firstLine('git', ['rev-parse', '--short', 'HEAD']),
    firstLine('curl', ['--version']),
    firstLine('python3', ['--version']),
    firstLine('/usr/sbin/dovecot', ['--version']),
  ]);
  return {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryMiB: Math.round(totalmem() / 1024 / 1024),
    loadAverage: loadavg().map((n) => Math.round(n * 100) / 100),
    openFiles: readOpenFilesLimit(),
    gitCommit,
    curl,
    python,
    dovecot,
  };
}
