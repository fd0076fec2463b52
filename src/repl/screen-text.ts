/** Text the screen derives from values: a goal's explanation, an inspected value cleaned up. */
import type { GoalResult } from '../tutor';

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
