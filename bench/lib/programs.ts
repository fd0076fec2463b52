/**
 * The client programs the benchmarks drive, each in its own process: curl, Python's poplib
 * (bench/poplib-sweep.py) and our client (bench/client-driver.ts). Every runner resolves to
 * the seconds the transfer took, measured by the program itself, without process start-up.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, type Target } from './targets';
import type { BenchAccount } from './mail-fixtures';

/** One timed transfer. */
export interface Transfer {
  seconds: number;
  bytes: number;
  messages: number;
}

const CHILD_TIMEOUT_MS = 180_000;

interface ChildOutput {
  stdout: string;
  stderr: string;
}

/** Runs a program to completion; rejects with its stderr on a non-zero exit or a timeout. */
export function runChild(command: string, args: readonly string[], options: { stdout?: 'pipe' | 'ignore'; timeoutMs?: number; cwd?: string } = {}): Promise<ChildOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? REPO_ROOT, stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timeoutMs = options.timeoutMs ?? CHILD_TIMEOUT_MS;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} did not finish within ${timeoutMs} ms; stderr: ${stderr.slice(-500)}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${command} exited with ${signal ?? code}: ${(stderr || stdout).trim().slice(-800)}`));
    });
  });
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

const CURL_WRITE_OUT = '%{stderr}TRANSFER %{size_download} %{time_total}\\n';

function parseCurlTransfers(stderr: string): { bytes: number; seconds: number; count: number } {
  let bytes = 0;
  let seconds = 0;
  let count = 0;
  for (const match of stderr.matchAll(/^TRANSFER (\d+) ([\d.]+)$/gm)) {
    bytes += Number(match[1]);
    seconds += Number(match[2]);
    count++;
  }
  return { bytes, seconds, count };
}

/** RETR of one message with curl, body to /dev/null; curl's own time_total. */
export async function curlRetr(target: Target, account: BenchAccount, messageNumber: number): Promise<Transfer> {
  const { stderr } = await runChild(
    'curl',
    ['-sS', '--fail', '-u', `${account.name}:${account.password}`, '-w', CURL_WRITE_OUT, pop3Url(target, String(messageNumber))],
    { stdout: 'ignore' },
  );
  const result = parseCurlTransfers(stderr);
  if (result.count !== 1) throw new Error(`curl printed no transfer line: ${stderr.slice(-500)}`);
  return { seconds: result.seconds, bytes: result.bytes, messages: 1 };
}

/**
 * RETR of messages 1..count with curl's URL globbing (one curl process, which keeps the
 * connection between transfers); wall time of the whole process, bodies to /dev/null.
 */
export async function curlSweep(target: Target, account: BenchAccount, count: number): Promise<Transfer> {
  const start = process.hrtime.bigint();
  const { stderr } = await runChild(
    'curl',
    ['-sS', '--fail', '-u', `${account.name}:${account.password}`, '-w', CURL_WRITE_OUT, pop3Url(target, `[1-${count}]`)],
    { stdout: 'ignore' },
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const result = parseCurlTransfers(stderr);
  if (result.count !== count) throw new Error(`curl made ${result.count} of ${count} transfers: ${stderr.slice(-500)}`);
  return { seconds, bytes: result.bytes, messages: result.count };
}

/** Logs in with Python's poplib and RETRs every message (bench/poplib-sweep.py). */
export async function poplibSweep(target: Target, account: BenchAccount): Promise<Transfer> {
  const { stdout } = await runChild('python3', [join('bench', 'poplib-sweep.py'), target.host, String(target.port), account.name, account.password]);
  return parseLastJson<Transfer>('poplib-sweep.py', stdout);
}

/** Our client in its own process (bench/client-driver.ts), RETR of every message. */
export async function ourClientSweep(target: Target, account: BenchAccount): Promise<Transfer> {
  const { stdout } = await runChild(process.execPath, ['-r', './src/register.js', join('bench', 'client-driver.ts'), 'sweep', target.host, String(target.port), account.name, account.password]);
  return parseLastJson<Transfer>('client-driver.ts', stdout);
}

/** What the streaming driver reports about its memory. */
export interface StreamResult extends Transfer {
  baselineRss: number;
  peakRss: number;
  /** Peak RSS minus the baseline taken after login, in bytes. */
  rssGrowth: number;
  /** How the peak was found: the kernel's high-water mark after a reset, or sampling. */
  method: string;
}

/** Our client streams one message with retrStream in its own process; reports peak RSS growth. */
export async function ourClientStream(target: Target, account: BenchAccount, messageNumber: number): Promise<StreamResult> {
  const { stdout } = await runChild(process.execPath, [
    '--expose-gc',
    '-r',
    './src/register.js',
    join('bench', 'client-driver.ts'),
    'stream',
    target.host,
    String(target.port),
    account.name,
    account.password,
    String(messageNumber),
  ]);
  return parseLastJson<StreamResult>('client-driver.ts', stdout);
}
