/** Text the screen derives from values: a goal's explanation, an inspected value cleaned up. */
import type { GoalResult } from '../tutor';

/** Why a goal is not met, for `.check`: what did happen, then what is missing. */
export function explanation(result: GoalResult): string {
  const capital = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
  if (result.seen && result.why) return `${capital(result.seen)}, but ${result.why}.`;
  if (result.why ?? result.seen) return `${capital((result.why ?? result.seen)!)}.`;
  return 'Not seen yet.';
}

/**
 * Drops the async-hook ids node:repl's domain adds to promises (noise for a learner), coloured
 * or not, their keys in brackets (Node 20, 22) or bare (Node 24).
 */
export function withoutAsyncIds(text: string): string {
  return text
    .replace(/,?\s*\[?(?:\x1b\[\d+m)?Symbol\((?:async_id_symbol|trigger_async_id_symbol)\)(?:\x1b\[\d+m)?\]?: (?:\x1b\[\d+m)?\d+(?:\x1b\[\d+m)?/g, '')
    .replace(/Promise \{\s+([^\n{}]*?)\s*\}/g, 'Promise { $1 }');
}
