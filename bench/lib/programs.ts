/**
 * The client programs the benchmarks drive, each in its own process: curl, Python's poplib
 * (bench/poplib-sweep.py) and our client (bench/client-driver.ts). Every runner resolves to
 * the seconds the transfer took, measured by the program itself, without process start-up.
 */
import { join } from 'node:path';
import { runProgram } from '../../test/helpers/child-process';
import type { Target } from './targets';
import type { BenchAccount } from './mail-fixtures';
import { summarizeFailure } from './failure-text';
import type { PeakMemory } from './peak-memory';

/** One timed transfer. */
export interface Transfer {
  seconds: number;
  bytes: number;
  messages: number;
  /** CPU seconds the server spent on this transfer, when measured. */
  serverCpuSeconds?: number;
  /** CPU seconds the client program spent on it, start-up excluded, when it reports them. */
  cpuSeconds?: number;
}

const CHILD_TIMEOUT_MS = 180_000;

interface ChildOutput {
  stdout: string;
  /** Octets written to stdout (all of them, even when only counted). */
  stdoutOctets: number;
  stderr: string;
}

/**
 * Runs a program to completion; rejects with its stderr on a non-zero exit or a timeout.
 * `stdout: 'count'` reads stdout only to count its octets (message bodies, not kept).
 */
export async function runChild(command: string, args: readonly string[], options: { stdout?: 'keep' | 'count'; timeoutMs?: number } = {}): Promise<ChildOutput> {
  const result = await runProgram(command, args, { stdout: options.stdout, timeoutMs: options.timeoutMs ?? CHILD_TIMEOUT_MS });
  const stdout = result.stdout.toString('utf8');
  const stderr = result.stderr.toString('utf8');
  if (result.code !== 0) throw new Error(`${command} exited with ${result.signal ?? result.code}: ${summarizeFailure(stderr || stdout)}`);
  return { stdout, stdoutOctets: result.stdoutOctets, stderr };
}

/** Parses the last JSON line a driver printed. */
function parseLastJson<T>(program: string, stdout: string): T {
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`${program} printed no result line: ${stdout.slice(-500)}`);
  }
}

function pop3Url(target: Target, path: string): string {
  return `pop3://${target.host}:${target.port}/${path}`;
}

// curl 7.88's size_download undercounts POP3 bodies (17,254 of 50,000 octets seen), so the
// octets are counted on curl's stdout instead; time_total is right.
const CURL_WRITE_OUT = '%{stderr}TRANSFER %{time_total}\\n';

function parseCurlTimes(stderr: string): number[] {
  return [...stderr.matchAll(/^TRANSFER ([\d.]+)$/gm)].map((match) => Number(match[1]));
}

/** RETR of one message with curl, body counted and dropped; curl's own time_total. */
export async function curlRetr(target: Target, account: BenchAccount, messageNumber: number): Promise<Transfer> {
  const { stderr, stdoutOctets } = await runChild(
    'curl',
    ['-sS', '-u', `${account.name}:${account.password}`, '-w', CURL_WRITE_OUT, pop3Url(target, String(messageNumber))],
    { stdout: 'count' },
  );
  const times = parseCurlTimes(stderr);
  if (times.length !== 1) throw new Error(`curl printed no transfer line: ${stderr.slice(-500)}`);
  return { seconds: times[0] as number, bytes: stdoutOctets, messages: 1 };
}

/**
 * RETR of messages 1..count with curl's URL globbing: one curl process, which keeps the
 * connection between transfers. Wall time of the whole process; bodies counted and dropped.
 */
export async function curlSweep(target: Target, account: BenchAccount, count: number): Promise<Transfer> {
  const start = process.hrtime.bigint();
  const { stderr, stdoutOctets } = await runChild(
    'curl',
    ['-sS', '-u', `${account.name}:${account.password}`, '-w', CURL_WRITE_OUT, pop3Url(target, `[1-${count}]`)],
    { stdout: 'count' },
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const transfers = parseCurlTimes(stderr).length;
  if (transfers !== count) throw new Error(`curl made ${transfers} of ${count} transfers: ${stderr.slice(-500)}`);
  return { seconds, bytes: stdoutOctets, messages: transfers };
}

/** Logs in with Python's poplib and RETRs every message (bench/poplib-sweep.py). */
export async function poplibSweep(target: Target, account: BenchAccount): Promise<Transfer> {
  const { stdout } = await runChild('python3', [join('bench', 'poplib-sweep.py'), target.host, String(target.port), account.name, account.password]);
  return parseLastJson<Transfer>('poplib-sweep.py', stdout);
}

/**
 * Our client in its own process (bench/client-driver.ts) fetching every message: `sweep`
 * awaits each RETR in turn, `fetch` uses fetchNew() with its pipelined RETRs.
 */
export async function ourClientSweep(target: Target, account: BenchAccount, mode: 'sweep' | 'fetch' = 'sweep'): Promise<Transfer> {
  const { stdout } = await runChild(process.execPath, ['-r', './src/register.js', join('bench', 'client-driver.ts'), mode, target.host, String(target.port), account.name, account.password]);
  return parseLastJson<Transfer>('client-driver.ts', stdout);
}

/** What the streaming driver reports: the transfer and its peak memory growth. */
export interface StreamResult extends Transfer, PeakMemory {}

/**
 * Streams one message in a process of its own and reports its peak RSS growth: our client's
 * retrStream (`stream`), or a bare socket that only counts bytes (`stream-raw`, the floor).
 */
export async function ourClientStream(target: Target, account: BenchAccount, messageNumber: number, mode: 'stream' | 'stream-raw' = 'stream'): Promise<StreamResult> {
  const { stdout } = await runChild(process.execPath, [
    '--expose-gc',
    '-r',
    './src/register.js',
    join('bench', 'client-driver.ts'),
    mode,
    target.host,
    String(target.port),
    account.name,
    account.password,
    String(messageNumber),
  ]);
  return parseLastJson<StreamResult>('client-driver.ts', stdout);
}
