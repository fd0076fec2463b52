import { spawn } from 'node:child_process';

/** Where the editor runs: the REPL's input is handed to it meanwhile. */
export interface EditorTerminal {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown; isRaw?: boolean };
  /** Pauses the REPL's reading of the input, and resumes it. */
  pause(): void;
  resume(): void;
}

/** The editor the learner chose: `$VISUAL`, else `$EDITOR` (a command line, arguments allowed). */
export function chosenEditor(env: NodeJS.ProcessEnv): string | undefined {
  const editor = (env.VISUAL ?? '').trim() || (env.EDITOR ?? '').trim();
  return editor === '' ? undefined : editor;
}

/**
 * Opens `file` in `editor` and resolves with its exit code once it is closed. The editor gets
 * the terminal: the REPL stops reading and leaves raw mode meanwhile. The command line is run
 * by the shell, as `$EDITOR` is meant to be (`code --wait`, `vim -p`).
 */
export function openInEditor(editor: string, file: string, terminal: EditorTerminal, env: NodeJS.ProcessEnv): Promise<number | null> {
  const raw = terminal.input.isRaw === true;
  terminal.pause();
  if (raw) terminal.input.setRawMode?.(false);
  const quoted = `'${file.replace(/'/g, "'\\''")}'`;
  return new Promise<number | null>((resolve) => {
    const child = spawn(`${editor} ${quoted}`, { shell: true, stdio: terminal.input.isTTY ? 'inherit' : 'ignore', env });
    const done = (code: number | null): void => {
      if (raw) terminal.input.setRawMode?.(true);
      terminal.resume();
      resolve(code);
    };
    child.on('error', () => done(null));
    child.on('exit', (code) => done(code));
  });
}
