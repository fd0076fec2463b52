import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isReadingOnly, solutionLines } from '../../src/tutor';
import { PROGRESS_FILE } from '../../src/tutor/node';
import { loadCourse } from './lesson-attempt';
import { makeStateDir, ROOT } from './repl-driver';


/** What `npm start` did with piped input: its exit code and everything it printed. */
interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI as a learner would start it, with `lines` piped into it, and waits for it to
 * end (the end of the input ends the REPL). The timeout error shows the end of what it printed.
 */
function runCli(args: readonly string[], lines: readonly string[], timeoutMs: number): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', './src/register.js', 'src/cli.ts', ...args], {
      cwd: ROOT,
      env: withoutColour(process.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the CLI did not finish within ${timeoutMs} ms; it printed last:\n${stdout.slice(-3000)}\n${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // All at once: the REPL's line gate takes one line at a time, when it is idle.
    child.stdin.end(`${lines.join('\n')}\n`);
  });
}

/** The environment without colour: NO_COLOR set, FORCE_COLOR (which would override it) removed. */
function withoutColour(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _force, ...rest } = env;
  return { ...rest, NO_COLOR: '1' };
}

describe('the whole course, replayed', () => {
  it('takes every solution in order through `npm start` with piped input and ends with every lesson done', async () => {
    const course = await loadCourse();
    expect(course.problems).toEqual([]);
    const stateDir = makeStateDir();
    const lines: string[] = [];
    for (const [i, lesson] of course.lessons.entries()) {
      // The first lesson is where a fresh start begins; after that, `.next` as a learner would.
      if (i > 0) lines.push('.next');
      if (!isReadingOnly(lesson)) lines.push(...solutionLines(lesson.definition));
    }
    lines.push('.progress');
    // Type-checked, as learners start it: the solutions must pass as typed, and a lesson that
    // needs the checker for a type error passes too (one process, no per-lesson fallback).
    const run = await runCli(['--state-dir', stateDir, '--no-history'], lines, 240_000);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const progress = JSON.parse(readFileSync(path.join(stateDir, PROGRESS_FILE), 'utf8')) as { lessons: Record<string, { status: string }> };
    const notDone = course.lessons.filter((l) => progress.lessons[l.id]?.status !== 'done').map((l) => l.id);
    expect(notDone, `lessons not done; the REPL printed last:\n${run.stdout.slice(-4000)}`).toEqual([]);
    expect(run.stdout).toContain(`Progress: ${course.lessons.length} of ${course.lessons.length} lessons done.`);
  }, 300_000);
});
