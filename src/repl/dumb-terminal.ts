import type { REPLServer } from 'node:repl';

interface Key {
  name?: string;
  ctrl?: boolean;
}

interface ReadlineInternals {
  line: string;
  cursor: number;
  _ttyWrite(data: string | undefined, key: Key | undefined): void;
}

// Control characters other than TAB, LF and CR, and ESC starting a sequence (arrows, Home, F1).
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Line editing at a dumb terminal. With TERM=dumb, node:readline moves no cursor and edits
 * nothing: it inserts every key as typed, so an arrow's escape sequence or Backspace's DEL
 * would become part of the code evaluated. Here Backspace erases the last character (a dumb
 * terminal still moves back with BS) and other editing keys are dropped; Enter, Ctrl-C and
 * Ctrl-D keep their meaning. Node decides this from `process.env.TERM` when the REPL starts,
 * so the same test is made here.
 */
export function editAtDumbTerminal(server: REPLServer, output: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): void {
  if (env.TERM !== 'dumb') return;
  const readline = server as unknown as ReadlineInternals;
  const ttyWrite = readline._ttyWrite.bind(server);
  readline._ttyWrite = (data, key) => {
    if (key?.name === 'backspace') {
      if (readline.line.length === 0) return;
      const chars = [...readline.line];
      chars.pop();
      readline.line = chars.join('');
      readline.cursor = readline.line.length;
      output.write('\b \b');
      return;
    }
    const meaningful = key?.ctrl === true && (key.name === 'c' || key.name === 'd');
    if (!meaningful && typeof data === 'string' && CONTROL.test(data)) return;
    ttyWrite(data, key);
  };
}
