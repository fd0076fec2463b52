import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { connect } from '../../src/client';
import type { ConnectOptions, Pop3Client } from '../../src/client';
import { startPlaygroundRepl } from '../../src/repl';
import type { PlaygroundRepl, PlaygroundReplOptions } from '../../src/repl';
import { sanitizeForTerminal } from '../../src/repl/sanitize';

/** The repository root. */
export const ROOT = path.join(__dirname, '..', '..');

/** A fresh, empty state directory. */
export const makeStateDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'pg-state-'));

/** The prompts the REPL shows: TypeScript, raw mode, and an unfinished input. */
const PROMPT = '(> |pop3> |\\.\\.\\. )';

/** A guided REPL on streams in piped mode (no terminal, no colour), driven one line at a time. */
export interface StreamedRepl {
  readonly repl: PlaygroundRepl;
  /** Everything printed so far. */
  output(): string;
  /** Sends one line; the REPL takes it when idle (piped input is serialised). */
  send(line: string): void;
  /** Resolves with the output since `since` once it matches; the timeout error shows what arrived. */
  waitFor(pattern: string | RegExp, since?: number, timeoutMs?: number): Promise<string>;
  /**
   * Sends one line and resolves with what it printed (its echo and the next prompt removed)
   * once the next prompt shows.
   */
  run(line: string, timeoutMs?: number): Promise<string>;
  /** The prompt now showing: `> `, `pop3> ` or `... `. */
  prompt(): string;
  /** Ends the input (like Ctrl-D) and resolves once the REPL has cleaned up. */
  close(): Promise<void>;
}

/** What the caller decides; streams, the client, the project's paths and piped-mode settings are filled in. */
export type StreamedReplOptions = Omit<
  PlaygroundReplOptions<Pop3Client, ConnectOptions>,
  'input' | 'output' | 'terminal' | 'style' | 'connect' | 'clientModule' | 'project' | 'history' | 'guardRejections'
> & {
  /** Output width (default 80). */
  width?: number;
};

/**
 * Starts the guided REPL on PassThrough streams, as `npm start` does with piped input (the
 * same line gate, echo and prompts), and waits for its first prompt.
 */
export async function startStreamedRepl(options: StreamedReplOptions): Promise<StreamedRepl> {
  const { width = 80, ...replOptions } = options;
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  const listeners = new Set<() => void>();
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const listener of [...listeners]) listener();
  });
  const repl = await startPlaygroundRepl({
    ...replOptions,
    input,
    output,
    terminal: false,
    style: { colour: false, width, terminal: false },
    connect,
    clientModule: path.join(ROOT, 'src', 'client'),
    project: path.join(ROOT, 'tsconfig.json'),
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

  async function run(line: string, timeoutMs = 30_000): Promise<string> {
    const since = text.length;
    send(line);
    // The echo of the line (piped input is echoed, sanitised), whatever it printed, then the next prompt.
    const echo = `${sanitizeForTerminal(line).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`;
    const out = await waitFor(new RegExp(`${echo}([\\s\\S]*\\n)?${PROMPT}$`), since, timeoutMs);
    return out.replace(new RegExp(`^[\\s\\S]*?${echo}`), '').replace(new RegExp(`(^|\\n)${PROMPT}$`), '$1');
  }

  await waitFor(/(^|\n)> $/, 0, 20_000);
  return {
    repl,
    output: () => text,
    send,
    waitFor,
    run,
    prompt: () => new RegExp(`\\n${PROMPT}$`).exec(`\n${text}`)?.[1] ?? '',
    async close() {
      input.end();
      await repl.closed;
    },
  };
}
