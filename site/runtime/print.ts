/**
 * Values and console output as the terminal playground prints them, with Node's own
 * `util.inspect` (node-inspect-extracted), so what a page prints matches the output blocks of
 * the lessons' READMEs.
 */
import { formatWithOptions, inspect } from 'node-inspect-extracted';

/**
 * The options the REPL prints a value with (src/repl/screen.ts): deep enough for a reply or a
 * listing, long strings kept, lines broken at 100 columns (the width the lessons' output blocks
 * are written at, test/lessons/repl-driver.ts).
 */
const VALUE_OPTIONS = { depth: 4, maxArrayLength: 50, maxStringLength: 20_000, breakLength: 100, colors: false } as const;

/** An evaluated value, as the REPL prints it. */
export function formatValue(value: unknown): string {
  return inspect(value, VALUE_OPTIONS);
}

/** `console.log`'s arguments, as Node's console formats them without colour. */
export function formatConsoleArguments(args: readonly unknown[]): string {
  return formatWithOptions({}, ...args);
}
