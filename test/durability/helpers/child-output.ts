import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

/** The repository root. */
export const REPO_ROOT = path.join(__dirname, '..', '..', '..');

/** Runs a TypeScript file in a new Node process, the way `npm run sandbox` does. */
export function spawnTs(file: string, args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ['-r', path.join(REPO_ROOT, 'src', 'register.js'), file, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Resolves with the first stdout line matching `pattern` (its match), or rejects after
 * `timeoutMs`, or when the process exits first, reporting what arrived on stdout and stderr.
 */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 10_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const finish = (error: Error | undefined, match?: RegExpExecArray): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onOut);
      child.stderr?.off('data', onErr);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(match as RegExpExecArray);
    };
    const report = (why: string): Error => new Error(`${why} before a line matching ${pattern}; stdout: ${JSON.stringify(out)}; stderr: ${JSON.stringify(err)}`);
    const onOut = (chunk: Buffer): void => {
      out += chunk.toString('utf8');
      for (const line of out.split('\n').slice(0, -1)) {
        const match = pattern.exec(line);
        if (match) {
          finish(undefined, match);
          return;
        }
      }
    };
    const onErr = (chunk: Buffer): void => {
      err += chunk.toString('utf8');
    };
    const onExit = (code: number | null, signal: string | null): void => finish(report(`process exited (code ${code}, signal ${signal})`));
    const timer = setTimeout(() => finish(report(`no output within ${timeoutMs} ms`)), timeoutMs);
    child.stdout?.on('data', onOut);
    child.stderr?.on('data', onErr);
    child.on('exit', onExit);
  });
}

/** Kills a child with SIGKILL and resolves once it has exited (and been reaped). */
export function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  return exited;
}
