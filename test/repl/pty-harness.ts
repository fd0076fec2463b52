import { playPtyScript, LEARNER_TERMINAL } from './pty-script';
import { expect } from 'vitest';
import type { Step } from './pty-script';
import { firstTwoLessonsDir, makeStateDir, ROOT } from './repl-harness';

export type { Step } from './pty-script';

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
  /** Seconds from the last keys sent (or the start) to each expectation's match. */
  timings: number[];
}

/** The prompt, as a regular expression over the raw terminal output. */
export const PROMPT = '\\x1b\\[0J> ';

/** Strips colour and cursor movement, for matching text. */
/**
 * Steps that wait until the checker's thread has built its program: a line typed before that
 * runs at once and is checked afterwards, so a test of checked lines waits for this first.
 * The error shows either way: at once, or once the checker has checked the line.
 */
export const AWAIT_CHECKER: readonly Step[] = [{ send: 'const checkerReady: string = 0\r' }, { expect: 'TS2322', timeout: 60 }, { expect: PROMPT }];

/** Steps that enter raw mode with the trace on and log in as alice by typing USER and PASS. */
export const RAW_LOGIN: readonly Step[] = [
  { send: '.trace on\r' },
  { expect: PROMPT },
  { send: '.raw\r' },
  { expect: 'pop3> ' },
  { send: 'USER alice\r' },
  { expect: 'now send PASS[\\s\\S]*pop3> ' },
  { send: 'PASS wonderland\r' },
  { expect: 'maildrop has[\\s\\S]*pop3> ' },
];

export const plain = (s: string): string => s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

/**
 * Runs the CLI in a real pseudo-terminal (python3's pty module, ./pty-driver.py) on the first
 * two lessons and plays the steps. `node` defaults to the Node running the tests.
 */
export function runInPty(steps: Step[], options: { env?: Record<string, string | null>; args?: string[]; shape?: TerminalShape; node?: string } = {}): PtyRun {
  const stateDir = makeStateDir();
  const shape = options.shape ?? { cols: 100, colour: true };
  const run = playPtyScript({
    argv: [options.node ?? process.execPath, '-r', './src/register.js', 'src/cli.ts', '--state-dir', stateDir, '--lessons', firstTwoLessonsDir(), ...(options.args ?? [])],
    env: { ...LEARNER_TERMINAL, NO_COLOR: shape.colour ? null : '1', ...options.env },
    cols: shape.cols,
    rows: 40,
    steps,
    cwd: ROOT,
  });
  return { ...run, stateDir };
}

/**
 * Plays `steps` as {@link runInPty} does, then leaves (`.exit`, or Ctrl-D at an idle prompt),
 * and checks the playground ended cleanly (no stderr, status 0).
 */
export function runToExit(steps: Step[], options: Parameters<typeof runInPty>[1] = {}, leave: '.exit\r' | '\u0004' = '.exit\r'): PtyRun {
  const run = runInPty([...steps, { send: leave }], options);
  expect({ stderr: run.stderr, status: run.status }).toEqual({ stderr: '', status: 0 });
  return run;
}
