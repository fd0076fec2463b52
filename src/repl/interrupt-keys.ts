import type { REPLServer } from 'node:repl';

/** What Ctrl-C and Ctrl-D act on. */
export interface InterruptKeysOptions {
  server: REPLServer;
  /** Cancels a pending evaluation (and the lines waiting behind it); false when nothing was pending. */
  interrupt(): boolean;
  /** True while an evaluation or a command's work runs. */
  busy(): boolean;
  /** True in raw mode; `leaveRaw` closes its connection without QUIT and says so. */
  rawActive(): boolean;
  leaveRaw(): void;
  /** Printed when Ctrl-C meets an empty, idle prompt, and when Ctrl-D meets a busy one. */
  say(text: string): void;
}

/** What an empty prompt's Ctrl-C says: it never leaves, so impatient presses cannot end the playground. */
export const HOW_TO_LEAVE = '(To leave, press Ctrl-D or type .exit)';
/** What Ctrl-D says while something runs. */
export const NOT_WHILE_BUSY = '(Ctrl-D leaves at an idle prompt; Ctrl-C cancels what is running)';

interface ReadlineInternals {
  line: string;
  editorMode?: boolean;
  _ttyWrite(data: string, key: { ctrl?: boolean; name?: string } | undefined): void;
}

/**
 * Ctrl-C and Ctrl-D at the prompt. Ctrl-C cancels what is pending, leaves raw mode, or clears
 * the line, and never ends the playground; Ctrl-D ends it only at an idle, empty prompt (in raw
 * mode it leaves raw mode, like Ctrl-C). Leaving raw mode this way closes the connection
 * without QUIT, so nothing marked is deleted (RFC 1939 §6).
 */
export function handleInterruptKeys(options: InterruptKeysOptions): void {
  const { server } = options;
  const readline = server as unknown as ReadlineInternals;
  const defaultSigint = server.listeners('SIGINT') as ((...args: unknown[]) => void)[];
  server.removeAllListeners('SIGINT');
  const leaveRaw = (): void => {
    options.interrupt();
    options.leaveRaw();
    server.clearBufferedCommand();
    readline.line = '';
    server.displayPrompt();
  };
  server.on('SIGINT', (...args: unknown[]) => {
    if (options.rawActive()) return leaveRaw();
    if (options.interrupt()) return;
    const empty = readline.line.length === 0 && readline.editorMode !== true;
    // node:repl's own handling clears the line (and leaves .editor); given a line, it never
    // arms its "press Ctrl+C again to exit".
    if (readline.line.length === 0) readline.line = ' ';
    if (empty) {
      const display = server.displayPrompt;
      server.displayPrompt = (...displayArgs) => {
        server.displayPrompt = display;
        options.say(HOW_TO_LEAVE);
        display.apply(server, displayArgs);
      };
    }
    for (const listener of defaultSigint) listener.apply(server, args);
  });

  const ttyWrite = readline._ttyWrite.bind(server);
  readline._ttyWrite = (data, key) => {
    const ctrlD = key?.ctrl === true && key.name === 'd' && readline.line.length === 0 && readline.editorMode !== true;
    if (ctrlD && options.rawActive()) return leaveRaw();
    if (ctrlD && options.busy()) return options.say(NOT_WHILE_BUSY);
    ttyWrite(data, key);
  };
}
