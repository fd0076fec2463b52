/**
 * Fits lines to the terminal's width. A terminal wraps a long line wherever the column ends,
 * mid-word and back at column 0, so the REPL's own text is wrapped at word boundaries with its
 * indentation kept, and a line from the wire is cut with a mark that says it goes on.
 */
import type StringWidth from 'string-width';

const stringWidth = require('string-width') as typeof StringWidth;

type WrapAnsi = (text: string, columns: number, options?: { hard?: boolean; trim?: boolean; wordWrap?: boolean }) => string;
// wrap-ansi 7 (CommonJS) ships no types; it keeps SGR colour intact across the lines it makes.
const wrapAnsi = require('wrap-ansi') as WrapAnsi;

/** Ends each piece of a wire line that goes on in the next row (`\` where box drawing is not allowed). */
export const CONTINUATION_MARK = '↩';
export const PLAIN_CONTINUATION_MARK = '\\';

/** Below this many columns for the words, a hanging indent costs more than it gives. */
const MIN_TEXT_COLUMNS = 20;

// Leading spaces, then a status mark or bullet (maybe coloured) and its space: continuation
// lines start under the text after it.
const LEAD = /^( *)((?:\u001b\[[0-9;]*m)*[✔✘▶·•*-](?:\u001b\[[0-9;]*m)* )?/;

/** Display columns of `text`, colour codes and wide characters accounted for. */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/**
 * Wraps one line the REPL wrote at word boundaries to `width` columns. Continuation lines are
 * indented like the line, and past a leading status mark (`  ✘ `). Words longer than the
 * width are cut.
 */
export function wrapLine(line: string, width: number): string {
  if (displayWidth(line) <= width) return line;
  const lead = LEAD.exec(line)?.[0] ?? '';
  return wrapBeside(lead, line.slice(lead.length), width);
}

/**
 * Lays `text` out beside `label` (`.help`'s command column): continuation rows start under
 * the text. Where that leaves too few columns, the text goes under the label instead.
 */
export function wrapBeside(label: string, text: string, width: number): string {
  const indent = displayWidth(label);
  if (width - indent < MIN_TEXT_COLUMNS) {
    const under = Math.min(indent, 4);
    if (indent + displayWidth(text) <= width) return label + text;
    const rows = wrapAnsi(text, width - under, { hard: true }).split('\n');
    return [label.trimEnd(), ...rows.map((row) => ' '.repeat(under) + row)].join('\n');
  }
  const [first = '', ...rest] = wrapAnsi(text, width - indent, { hard: true }).split('\n');
  return [label + first, ...rest.map((row) => ' '.repeat(indent) + row)].join('\n');
}

/** {@link wrapLine} on each line of `text`. */
export function wrapText(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => wrapLine(line, width))
    .join('\n');
}

/**
 * Cuts each line of wire text (a reply, a trace line, a message body) that is wider than
 * `width` into rows ending in `mark`, so a continuation never reads as a line of its own.
 * Nothing is added or dropped besides the marks.
 */
export function markContinuations(text: string, width: number, mark = CONTINUATION_MARK): string {
  return text
    .split('\n')
    .map((line) => (displayWidth(line) <= width ? line : wrapAnsi(line, width - displayWidth(mark), { hard: true, trim: false, wordWrap: false }).split('\n').join(`${mark}\n`)))
    .join('\n');
}
