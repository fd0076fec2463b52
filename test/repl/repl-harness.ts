import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { startEmbeddedTarget } from '../../src/cli';
import type { EmbeddedTarget } from '../../src/cli';
import { connect } from '../../src/client';
import { startPlaygroundRepl } from '../../src/repl';
import type { PlaygroundRepl, PlaygroundTarget } from '../../src/repl';
import { loadLessons } from '../../src/tutor';

export const ROOT = path.join(__dirname, '..', '..');

/** A REPL driven through streams, with the embedded sandbox behind it. */
export interface ReplHarness {
  repl: PlaygroundRepl;
  embedded: EmbeddedTarget;
  stateDir: string;
  /** Everything written so far. */
  output(): string;
  /** Sends one line (the REPL takes it when idle: piped input is serialised). */
  send(line: string): void;
  /** Sends a line and resolves with what it printed, once the next prompt shows. */
  run(line: string, timeoutMs?: number): Promise<string>;
  /** Resolves with the output since `since` once it matches; the timeout error shows what arrived. */
  waitFor(pattern: string | RegExp, since?: number, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  fast?: boolean;
  stateDir?: string;
  /** Default: the first two shipped lessons. */
  lessonsDir?: string;
  evalTimeoutMs?: number;
  /** Reuse a running sandbox (the harness then leaves it open). */
  embedded?: EmbeddedTarget;
  /** Point the REPL at this target instead (e.g. `--server`); a sandbox is still started for `embedded`. */
  target?: PlaygroundTarget;
}

export const tempStateDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'pg-state-'));

/**
 * A lessons folder with only the first two shipped lessons (linked, not copied), so tests of
 * the engine do not change as the curriculum grows.
 */
export function firstTwoLessonsDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-two-lessons-'));
  const order = ['01-first-contact', '02-user-and-pass'];
  for (const name of order) symlinkSync(path.join(ROOT, 'lessons', name), path.join(dir, name), 'dir');
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ formatVersion: 1, order }));
  return dir;
}

/** Starts a REPL on PassThrough streams. */
export async function startHarness(options: HarnessOptions = {}): Promise<ReplHarness> {
  const embedded = options.embedded ?? (await startEmbeddedTarget());
  const stateDir = options.stateDir ?? tempStateDir();
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  const listeners = new Set<() => void>();
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  });
  const lessons = await loadLessons(options.lessonsDir ?? firstTwoLessonsDir());
  const repl = await startPlaygroundRepl({
    input,
    output,
    terminal: false,
    style: { colour: false, width: 80, terminal: false },
    target: options.target ?? embedded.target,
    connect,
    clientModule: path.join(ROOT, 'src', 'client'),
    lessons,
    stateDir,
    project: path.join(ROOT, 'tsconfig.json'),
    fast: options.fast ?? true,
    evalTimeoutMs: options.evalTimeoutMs ?? 2_000,
    history: false,
    guardRejections: true,
  });

  function waitFor(pattern: string | RegExp, since = 0, timeoutMs = 10_000): Promise<string> {
    const matches = (): boolean => {
      const slice = text.slice(since);
      return typeof pattern === 'string' ? slice.includes(pattern) : pattern.test(slice);
    };
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
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${String(pattern)}; output since then:\n${text.slice(since)}`));
      }, timeoutMs);
      listeners.add(check);
    });
  }

  const send = (line: string): void => {
    input.write(`${line}\n`);
  };

  async function run(line: string, timeoutMs?: number): Promise<string> {
    const since = text.length;
    send(line);
    // The echo of the line, then whatever it printed, then the next prompt at the very end.
    const escaped = line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const out = await waitFor(new RegExp(`${escaped}\\n([\\s\\S]*\\n)?(> |pop3> )$`), since, timeoutMs);
    return out.replace(new RegExp(`^[\\s\\S]*?${escaped}\\n`), '').replace(/(> |pop3> )$/, '');
  }

  return {
    repl,
    embedded,
    stateDir,
    output: () => text,
    send,
    run,
    waitFor,
    async close() {
      input.end();
      await repl.closed;
      if (!options.embedded) await embedded.close();
    },
  };
}
