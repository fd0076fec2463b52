import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { firstTwoLessonsDir, makeStateDir, ROOT } from './repl-harness';

/** One step of a pty script: keys to type, output to wait for (a regular expression), or a new terminal width. */
export type Step = { send: string } | { expect: string; timeout?: number } | { resize: number };

/** How the terminal looks: its width and whether it has colour. */
export interface TerminalShape {
  cols: number;
  colour: boolean;
}

/** The widths and colour settings every terminal behaviour is tried at. */
export const TERMINALS: readonly TerminalShape[] = [
  { cols: 100, colour: true },
  { cols: 60, colour: false },
];

/** What a pty run left behind. */
export interface PtyRun {
  output: string;
  status: number | null;
  stderr: string;
  stateDir: string;
  /** Seconds from the last keys sent to each expectation's match. */
  timings: number[];
}

/** The prompt, as a regular expression over the raw terminal output. */
export const PROMPT = '\\x1b\\[0J> ';

/** Strips colour and cursor movement, for matching text. */
export const plain = (s: string): string => s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

/**
 * Runs the CLI in a real pseudo-terminal (python3's pty module, ./pty-driver.py) on the first
 * two lessons and plays the steps. `node` defaults to the Node running the tests.
 */
export function runInPty(steps: Step[], options: { env?: Record<string, string | null>; args?: string[]; shape?: TerminalShape; node?: string } = {}): PtyRun {
  const stateDir = makeStateDir();
  const shape = options.shape ?? { cols: 100, colour: true };
  const timings = path.join(mkdtempSync(path.join(os.tmpdir(), 'pg-pty-')), 'timings.json');
  const script = {
    argv: [options.node ?? process.execPath, '-r', './src/register.js', 'src/cli.ts', '--state-dir', stateDir, '--lessons', firstTwoLessonsDir(), ...(options.args ?? [])],
    // A learner's terminal. Node reports only 2 colours when CI is set, so CI goes too.
    env: { TERM: 'xterm-256color', NO_COLOR: shape.colour ? null : '1', FORCE_COLOR: null, NODE_DISABLE_COLORS: null, CI: null, ...options.env },
    cols: shape.cols,
    rows: 40,
    steps,
    timings,
  };
  const result = spawnSync('python3', [path.join(__dirname, 'pty-driver.py')], { cwd: ROOT, input: JSON.stringify(script), encoding: 'utf8', timeout: 110_000 });
  let measured: number[] = [];
  try {
    measured = JSON.parse(readFileSync(timings, 'utf8')) as number[];
  } catch {
    // The run failed before its end: no timings.
  }
  return { output: result.stdout, status: result.status, stderr: result.stderr, stateDir, timings: measured };
}
