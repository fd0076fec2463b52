import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

/**
 * Other programs, for tests and benchmarks: run one to completion and keep what it printed, or
 * start one and wait for what it prints. Waits resolve as soon as the output is there and their
 * errors show what did arrive; nothing here sleeps.
 */

/** The repository root. */
export const REPO_ROOT = path.join(__dirname, '..', '..');

const DEFAULT_RUN_TIMEOUT_MS = 20_000;
const DEFAULT_WAIT_TIMEOUT_MS = 10_000;

/** What a finished program left behind. */
export interface ProgramResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Empty when the run only counted stdout (`stdout: 'count'`). */
  stdout: Buffer;
  /** Octets written to stdout, kept or not. */
  stdoutOctets: number;
  stderr: Buffer;
}

/** Options of {@link runProgram}. */
export interface RunOptions {
  /** Written to stdin, which is then closed (stdin is closed at once when absent). */
  input?: string | Buffer;
  /** Kill the program (SIGKILL) and reject after this long; default 20 s. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Default: the repository root. */
  cwd?: string;
  /** `count`: read stdout only to count its octets (a message body that is not needed). */
  stdout?: 'keep' | 'count';
}

/**
 * Runs a program to completion and resolves with its exit status and output, whatever the
 * status. Rejects on timeout with the output so far, so a hung peer reports what it did say.
 */
export function runProgram(file: string, args: readonly string[], options: RunOptions = {}): Promise<ProgramResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
  const keep = options.stdout !== 'count';
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stdoutOctets = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutOctets += chunk.length;
      if (keep) stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on('error', () => undefined); // the program may exit without reading its input
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${file} ${args.join(' ')} did not finish within ${timeoutMs} ms\n` +
            `stdout: ${Buffer.concat(stdout).toString('utf8').slice(-2000)}\n` +
            `stderr: ${Buffer.concat(stderr).toString('utf8').slice(-2000)}`,
        ),
      );
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(stdout), stdoutOctets, stderr: Buffer.concat(stderr) });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Options of {@link startProgram} and {@link spawnTs}. */
export interface StartOptions {
  /** Default: the repository root. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** `pipe` to write to the program; default `ignore`. */
  stdin?: 'ignore' | 'pipe';
}

/** What a started program printed, collected from its start. */
interface Output {
  stdout: string;
  stderr: string;
  /** stdout and stderr in the order they arrived. */
  both: string;
  /** Where in stdout the next {@link waitForLine} starts looking. */
  lineCursor: number;
  /** Set once the program has ended and its output is all in. */
  ended: string | undefined;
  listeners: Set<() => void>;
}

const outputs = new WeakMap<ChildProcess, Output>();

/** The output record of `child`, collecting from now on when it was not started here. */
function outputOf(child: ChildProcess): Output {
  let output = outputs.get(child);
  if (output) return output;
  const record: Output = { stdout: '', stderr: '', both: '', lineCursor: 0, ended: undefined, listeners: new Set() };
  const wake = (): void => {
    for (const listener of [...record.listeners]) listener();
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    record.stdout += text;
    record.both += text;
    wake();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    record.stderr += text;
    record.both += text;
    wake();
  });
  // 'close', not 'exit': a line printed just before exiting has been read by then.
  child.once('close', (code: number | null, signal: string | null) => {
    record.ended = `the process ended (code ${code}, signal ${signal})`;
    wake();
  });
  child.once('error', (error) => {
    record.ended = `the process failed: ${error.message}`;
    wake();
  });
  output = record;
  outputs.set(child, output);
  return output;
}

/** Starts a program and collects its output from the first byte, for the waits below. */
export function startProgram(file: string, args: readonly string[], options: StartOptions = {}): ChildProcess {
  const child = spawn(file, args, { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? process.env, stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'] });
  outputOf(child);
  return child;
}

/** Runs a TypeScript file in a new Node process, the way `npm run sandbox` does. */
export function spawnTs(file: string, args: readonly string[], options: Omit<StartOptions, 'cwd'> = {}): ChildProcess {
  return startProgram(process.execPath, ['-r', path.join(REPO_ROOT, 'src', 'register.js'), file, ...args], options);
}

/** Everything `child` (started by {@link startProgram}) has printed so far, stdout and stderr as they arrived. */
export function printedSoFar(child: ChildProcess): string {
  return outputOf(child).both;
}

/**
 * Resolves once `find` finds what it looks for in the output, or rejects when the program ends
 * first or `timeoutMs` passes, showing what arrived.
 */
function waitFor<T>(child: ChildProcess, find: (output: Output) => T | undefined, what: string, timeoutMs: number): Promise<T> {
  const output = outputOf(child);
  return new Promise((resolve, reject) => {
    const finish = (error: Error | undefined, found?: T): void => {
      clearTimeout(timer);
      output.listeners.delete(check);
      if (error) reject(error);
      else resolve(found as T);
    };
    const report = (why: string): Error => new Error(`${why} before ${what}; stdout: ${JSON.stringify(output.stdout.slice(-4000))}; stderr: ${JSON.stringify(output.stderr.slice(-4000))}`);
    const check = (): void => {
      const found = find(output);
      if (found !== undefined) finish(undefined, found);
      else if (output.ended !== undefined) finish(report(output.ended));
    };
    const timer = setTimeout(() => finish(report(`no such output within ${timeoutMs} ms`)), timeoutMs);
    output.listeners.add(check);
    check();
  });
}

/**
 * Resolves with the match of the next stdout line matching `pattern`, reading on from the line
 * the previous wait matched; rejects after `timeoutMs`, or when the program ends first.
 */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS): Promise<RegExpExecArray> {
  const find = (output: Output): RegExpExecArray | undefined => {
    let start = output.lineCursor;
    for (let end = output.stdout.indexOf('\n', start); end !== -1; start = end + 1, end = output.stdout.indexOf('\n', start)) {
      const match = pattern.exec(output.stdout.slice(start, end));
      if (match) {
        output.lineCursor = end + 1;
        return match;
      }
    }
    return undefined;
  };
  return waitFor(child, find, `a line matching ${pattern}`, timeoutMs);
}

/**
 * Resolves with the match once the output from offset `since` of {@link printedSoFar} matches
 * `pattern` (a prompt, which ends no line); rejects after `timeoutMs`, or when the program ends first.
 */
export function waitForOutput(child: ChildProcess, pattern: RegExp, since = 0, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS): Promise<RegExpExecArray> {
  return waitFor(child, (output) => pattern.exec(output.both.slice(since)) ?? undefined, `output matching ${pattern}`, timeoutMs);
}

/** Resolves once `child` has exited; with `killAfterMs`, kills it (SIGKILL) if it has not by then. */
export function waitForExit(child: ChildProcess, killAfterMs?: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Kills a child with SIGKILL and resolves once it has exited (and been reaped). */
export function killHard(child: ChildProcess): Promise<void> {
  const exited = waitForExit(child);
  child.kill('SIGKILL');
  return exited;
}
