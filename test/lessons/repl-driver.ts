import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import type { EmbeddedTarget } from '../../src/cli';
import { connect } from '../../src/client';
import { startPlaygroundRepl } from '../../src/repl';
import type { PlaygroundRepl } from '../../src/repl';
import { PROGRESS_FILE, PROGRESS_FORMAT_VERSION } from '../../src/tutor';
import type { Lesson } from '../../src/tutor';

/** The repository root. */
export const ROOT = path.join(__dirname, '..', '..');

/** The prompts the REPL shows: TypeScript, raw mode, and an unfinished input. */
const PROMPT_AT_END = /\n(> |pop3> |\.\.\. )$/;

/** A guided REPL in piped mode (no terminal, no colour), driven one line at a time. */
export interface ReplDriver {
  readonly repl: PlaygroundRepl;
  readonly stateDir: string;
  /** Everything printed so far. */
  output(): string;
  /**
   * Sends one line and resolves with what it printed (its echo and the next prompt removed)
   * once the next prompt shows. The timeout error says what did arrive.
   */
  run(line: string, timeoutMs?: number): Promise<string>;
  /** The prompt now showing: `> `, `pop3> ` or `... `. */
  prompt(): string;
  /** Ends the input (like Ctrl-D) and resolves once the REPL has cleaned up. */
  close(): Promise<void>;
}

/** Options of {@link startReplDriver}. */
export interface ReplDriverOptions {
  embedded: EmbeddedTarget;
  /** The lessons the REPL knows, in order. */
  lessons: readonly Lesson[];
  /** Where to start: the REPL resumes at this lesson (default: the first). */
  startAt?: Lesson;
  /** Record `startAt` as done already, so meeting its goals prints no "complete" line. */
  startDone?: boolean;
  /** Transpile only (no type checking). Default true. */
  fast?: boolean;
  stateDir?: string;
  evalTimeoutMs?: number;
  /** How long `.check` may run a file exercise (default: the REPL's). */
  exerciseTimeoutMs?: number;
}

/** A fresh, empty state directory. */
export const makeStateDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'pg-lesson-'));

/**
 * Starts the guided REPL on streams, as `npm start` does with piped input (the same line gate,
 * echo and prompts), and waits for its first prompt.
 */
export async function startReplDriver(options: ReplDriverOptions): Promise<ReplDriver> {
  const stateDir = options.stateDir ?? makeStateDir();
  if (options.startAt) {
    // Resume right at the lesson, as a learner coming back to it would.
    const lessons = options.startDone ? { [options.startAt.id]: { status: 'done', hints: {}, failedChecks: 0 } } : {};
    const progress = { formatVersion: PROGRESS_FORMAT_VERSION, current: options.startAt.id, lessons };
    writeFileSync(path.join(stateDir, PROGRESS_FILE), JSON.stringify(progress));
  }
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  const listeners = new Set<() => void>();
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const listener of [...listeners]) listener();
  });
  const repl = await startPlaygroundRepl({
    input,
    output,
    terminal: false,
    style: { colour: false, width: 100, terminal: false },
    env: { ...process.env, NO_COLOR: '1' },
    target: options.embedded.target,
    connect,
    clientModule: path.join(ROOT, 'src', 'client'),
    lessons: { lessons: [...options.lessons], problems: [] },
    stateDir,
    project: path.join(ROOT, 'tsconfig.json'),
    fast: options.fast ?? true,
    evalTimeoutMs: options.evalTimeoutMs ?? 5_000,
    history: false,
    guardRejections: true,
    ...(options.exerciseTimeoutMs !== undefined ? { exerciseTimeoutMs: options.exerciseTimeoutMs } : {}),
  });

  function waitFor(pattern: RegExp, since: number, timeoutMs: number, what: string): Promise<string> {
    const matches = (): boolean => pattern.test(text.slice(since));
    if (matches()) return Promise.resolve(text.slice(since));
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!matches()) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(text.slice(since));
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; output since then:\n${text.slice(since)}`));
      }, timeoutMs);
      listeners.add(check);
    });
  }

  await waitFor(/(^|\n)> $/, 0, 20_000, 'the first prompt');

  async function run(line: string, timeoutMs = 30_000): Promise<string> {
    const since = text.length;
    input.write(`${line}\n`);
    // The echo of the line (piped input is echoed), whatever it printed, then the next prompt.
    const out = await waitFor(new RegExp(`^[^\\n]*\\n([\\s\\S]*\\n)?(> |pop3> |\\.\\.\\. )$`), since, timeoutMs, `the prompt after ${JSON.stringify(line)}`);
    return out.slice(out.indexOf('\n') + 1).replace(/(^|\n)(> |pop3> |\.\.\. )$/, '$1');
  }

  return {
    repl,
    stateDir,
    output: () => text,
    run,
    prompt: () => PROMPT_AT_END.exec(`\n${text}`)?.[1] ?? '',
    async close() {
      input.end();
      await repl.closed;
    },
  };
}
