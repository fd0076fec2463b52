/**
 * Start-up as a learner meets it: a program spawned in a real pseudo-terminal (the tests' pty
 * driver) until its prompt shows, and the first evaluation typed shortly after that prompt.
 */
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { LEARNER_TERMINAL, playPtyScript } from '../../test/repl/pty-script';
import type { Step } from '../../test/repl/pty-script';

const ROOT = path.join(__dirname, '..', '..');
/** The caches a start fills: swc's compiled sources (src/register.js) and rendered lesson text. */
const CACHES = ['pop3-playground-swc', 'pop3-playground-markdown', 'pop3-playground-v8'].map((name) => path.join(ROOT, 'node_modules', '.cache', name));

/** Empties the caches a start fills, so the next start is a first start. */
export function emptyCaches(): void {
  for (const dir of CACHES) rmSync(dir, { recursive: true, force: true });
}

/** What one pty run measured, in ms: spawn to prompt, and the typed line's answer and verdict (when asked for). */
export interface PtyStart {
  prompt: number;
  answer?: number;
  verdict?: number;
}

/** A line typed `pauseMs` after the prompt: `answer` shows its result, `verdict` (optional) its type check. */
export interface TypedLine {
  line: string;
  answer: string;
  verdict?: string;
  pauseMs: number;
}

/**
 * Spawns `argv` in a 100×40 pty, waits for `ready` (a regular expression over the raw output),
 * then optionally types a line and waits for its answer and verdict; ends with Ctrl-D.
 * @throws when the program did not get there (the driver's message).
 */
export function startInPty(argv: string[], ready: string, typed?: TypedLine): PtyStart {
  const steps: Step[] = [{ expect: ready, timeout: 60 }];
  if (typed) {
    steps.push({ pause: typed.pauseMs / 1000 }, { send: `${typed.line}\r` }, { expect: typed.answer, timeout: 60 });
    if (typed.verdict !== undefined) steps.push({ expect: typed.verdict, timeout: 60 });
  }
  steps.push({ send: '\u0004' });
  const run = playPtyScript({ argv, env: { ...LEARNER_TERMINAL }, cols: 100, rows: 40, steps, cwd: ROOT });
  const [prompt, answer, verdict] = run.timings.map((s) => s * 1000);
  if (run.status !== 0 || prompt === undefined) throw new Error(`${argv.join(' ')} in a pty: ${run.stderr.trim() || `exit ${run.status}`}`);
  return { prompt, ...(answer !== undefined ? { answer } : {}), ...(verdict !== undefined ? { verdict } : {}) };
}
