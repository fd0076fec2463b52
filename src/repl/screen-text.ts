/** Text the screen derives from values: a goal's explanation, an inspected value cleaned up, `.help`'s rows. */
import type { GoalResult } from '../tutor';
import { DOT_COMMANDS } from './commands';

/** `.help`'s rows: each command with its arguments, and what it does. */
export const HELP_ROWS: readonly (readonly [string, string])[] = [
  ...DOT_COMMANDS.map((c) => [`.${c.name}${c.args ? ` ${c.args}` : ''}`, c.help] as const),
  ['.exit', 'Leave (Ctrl-D works too); progress is saved'],
  ['.editor', 'Enter several lines at once (Ctrl-D to run them)'],
];

/** Why a goal is not met, for `.check`: what did happen, then what is missing. */
export function explanation(result: GoalResult): string {
  const capital = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
  if (result.seen && result.why) return `${capital(result.seen)}, but ${result.why}.`;
  if (result.why ?? result.seen) return `${capital((result.why ?? result.seen)!)}.`;
  return 'Not seen yet.';
}

/** Drops the async-hook ids node:repl's domain adds to promises (noise for a learner). */
export function withoutAsyncIds(text: string): string {
  return text.replace(/,?\s*\[Symbol\((?:async_id_symbol|trigger_async_id_symbol)\)\]: \d+/g, '').replace(/Promise \{\s+([^\n{}]*?)\s*\}/g, 'Promise { $1 }');
}
