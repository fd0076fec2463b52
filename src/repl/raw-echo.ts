import type { REPLServer } from 'node:repl';

interface ReadlineInternals {
  line: string;
  cursor: number;
  _refreshLine(): void;
  _ttyWrite(data: string, key: { name?: string } | undefined): void;
}

/**
 * Masks a secret as Enter takes its line: the terminal's echo of `PASS wonderland` is redrawn
 * as `masked` gives it (`PASS ***`, as the trace shows it) just before node:repl reads the
 * line, which it still reads as typed. Terminal only (piped input has no echo to redraw).
 */
export function maskSecretEcho(server: REPLServer, masked: (line: string) => string | undefined): void {
  const readline = server as unknown as ReadlineInternals;
  const ttyWrite = readline._ttyWrite.bind(server);
  readline._ttyWrite = (data, key) => {
    const enter = key?.name === 'return' || key?.name === 'enter';
    const shown = enter ? masked(readline.line) : undefined;
    if (shown !== undefined) {
      const typed = readline.line;
      readline.line = shown;
      readline.cursor = shown.length;
      readline._refreshLine();
      // Back to what was typed, the cursor at its end: Enter then moves nothing before its newline.
      readline.line = typed;
      readline.cursor = typed.length;
    }
    ttyWrite(data, key);
  };
}
