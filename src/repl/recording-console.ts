/** The `console` methods whose arguments are shown to the learner, and so recorded as seen. */
const SHOWING_METHODS = ['log', 'info', 'table', 'dir', 'error', 'warn', 'debug'] as const;

/**
 * A console for the learner's code that writes where `target` does and reports every argument
 * of the methods that show values (log, info, table, dir, error, warn, debug) to `shown`.
 */
export function recordingConsole(target: Console, shown: (value: unknown) => void): Console {
  const console = Object.create(target) as Console;
  for (const method of SHOWING_METHODS) {
    const write = target[method].bind(target) as (...args: unknown[]) => void;
    Object.defineProperty(console, method, {
      value: (...args: unknown[]) => {
        write(...args);
        for (const arg of args) shown(arg);
      },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return console;
}
