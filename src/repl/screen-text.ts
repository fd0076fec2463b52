/** Text the screen derives from values: a goal's explanation, an inspected value cleaned up, `.help`'s rows. */
import type { GoalResult } from '../tutor';
import { DOT_COMMANDS } from './commands';

/** Where `.help`'s descriptions start. */
export const HELP_COLUMN = 30;

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

/**
 * Drops the async-hook ids node:repl's domain adds to promises (noise for a learner), coloured
 * or not, their keys in brackets (Node 20, 22) or bare (Node 24).
 */
export function withoutAsyncIds(text: string): string {
  return text
    .replace(/,?\s*\[?(?:\x1b\[\d+m)?Symbol\((?:async_id_symbol|trigger_async_id_symbol)\)(?:\x1b\[\d+m)?\]?: (?:\x1b\[\d+m)?\d+(?:\x1b\[\d+m)?/g, '')
    .replace(/Promise \{\s+([^\n{}]*?)\s*\}/g, 'Promise { $1 }');
}

/** The most lines of lesson text a first screen shows, so it fits a 40-line terminal with the banner and goals. */
export const INTRO_LINES = 20;

/** A lesson's opening: its markdown before the first `##` section, or undefined when it has none. */
export function lessonIntro(markdown: string): string | undefined {
  const section = /^## /m.exec(markdown);
  return section ? markdown.slice(0, section.index) : undefined;
}

/** At most `max` lines of rendered text, cut after a blank line where one is near the end. */
export function firstLines(text: string, max: number): string {
  const lines = text.trimEnd().split('\n');
  if (lines.length <= max) return `${lines.join('\n')}\n`;
  const kept = lines.slice(0, max);
  const blank = kept.lastIndexOf('');
  return `${(blank >= max / 2 ? kept.slice(0, blank) : kept).join('\n')}\n`;
}
