import type { REPLServer } from 'node:repl';

interface ReadlineInternals {
  line: string;
  cursor: number;
  _refreshLine(): void;
  /** Takes the line being edited (node:readline calls it however the line ended: Enter, a pasted line end, U+2028 on Node 24). */
  _line(): void;
}

/**
 * Masks a secret as the terminal's line is taken: the echo of `PASS wonderland` is redrawn as
 * `masked` gives it (`PASS ***`, as the trace shows it) just before node:repl reads the line,
 * which it still reads as typed. Terminal only (piped input has no echo to redraw).
 */
export function maskSecretEcho(server: REPLServer, masked: (line: string) => string | undefined): void {
  const readline = server as unknown as ReadlineInternals;
  const takeLine = readline._line.bind(server);
  readline._line = () => {
    const typed = readline.line;
    const shown = masked(typed);
    if (shown !== undefined) {
      readline.line = shown;
      readline.cursor = shown.length;
      readline._refreshLine();
      // Back to what was typed, the cursor at its end: taking the line then moves nothing before its newline.
      readline.line = typed;
      readline.cursor = typed.length;
    }
    takeLine();
  };
}
