import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A learner's terminal. Node reports only 2 colours when CI is set, so CI goes too. */
export const LEARNER_TERMINAL: Readonly<Record<string, string | null>> = { TERM: 'xterm-256color', NO_COLOR: null, FORCE_COLOR: null, NODE_DISABLE_COLORS: null, CI: null };

/** One step of a pty script: keys to type, output to wait for (a regular expression), a pause in seconds, or a new terminal width. */
export type Step = { send: string } | { expect: string; timeout?: number } | { pause: number } | { resize: number };

/** What ./pty-driver.py plays: a program, its environment (null unsets), the terminal's size and the steps. */
export interface PtyScript {
  argv: string[];
  env: Record<string, string | null>;
  cols: number;
  rows: number;
  steps: Step[];
  cwd: string;
}

/** What a script's run printed, and the seconds from the last keys sent (or the start) to each expectation's match. */
export interface PtyScriptRun {
  output: string;
  status: number | null;
  stderr: string;
  timings: number[];
}

/** Plays `script` in a real pseudo-terminal (python3's pty module); the driver kills a program that hangs. */
export function playPtyScript(script: PtyScript): PtyScriptRun {
  const timings = path.join(mkdtempSync(path.join(os.tmpdir(), 'pg-pty-')), 'timings.json');
  const { cwd, ...rest } = script;
  const result = spawnSync('python3', [path.join(__dirname, 'pty-driver.py')], { cwd, input: JSON.stringify({ ...rest, timings }), encoding: 'utf8', timeout: 110_000 });
  let measured: number[] = [];
  try {
    measured = JSON.parse(readFileSync(timings, 'utf8')) as number[];
  } catch {
    // The run failed before its end: no timings.
  }
  return { output: result.stdout, status: result.status, stderr: result.stderr, timings: measured };
}
