import { spawn } from 'node:child_process';

/** What a finished program left behind. */
export interface ProgramResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
}

/** Options of {@link runProgram}. */
export interface RunOptions {
  /** Written to stdin, which is then closed (stdin is closed at once when absent). */
  input?: string | Buffer;
  /** Kill the program (SIGKILL) and reject after this long; default 20 s. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs a program to completion and resolves with its exit status and full output. Rejects
 * on timeout with the output so far, so a hung peer reports what it did say.
 */
export function runProgram(file: string, args: readonly string[], options: RunOptions = {}): Promise<ProgramResult> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on('error', () => undefined); // the program may exit without reading its input
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${file} ${args.join(' ')} did not finish within ${timeoutMs} ms\n` +
            `stdout: ${Buffer.concat(stdout).toString('utf8').slice(0, 2000)}\n` +
            `stderr: ${Buffer.concat(stderr).toString('utf8').slice(0, 2000)}`,
        ),
      );
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) });
    });
    child.stdin.end(options.input ?? '');
  });
}
