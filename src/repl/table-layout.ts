/**
 * Lays a markdown table out within the terminal's width: as it is when it fits, with wrapped
 * cells when the columns can share the width, and as a list (one block per row, each cell
 * under its column's name) when they cannot.
 */
import type { TableConstructorOptions } from 'cli-table3';
import { displayWidth, wrapBeside, wrapLine } from './text-wrap';

/** A wrapped column narrower than this reads as a word per line: the list layout reads better. */
const MIN_COLUMN = 20;

/** Box drawing around each cell: a border per column plus one, and a space either side. */
const overhead = (columns: number): number => columns + 1 + 2 * columns;

/**
 * Renders the table (cells already rendered inline, maybe coloured) within `width` columns.
 * `options` are cli-table3's (borders, head style); widths are decided here.
 */
export function layoutTable(header: readonly string[], rows: readonly (readonly string[])[], width: number, options: Partial<TableConstructorOptions>): string {
  const widths = columnWidths([header, ...rows], width);
  if (!widths) return listLayout(header, rows, width);
  // Loaded here: cli-table3 is needed only once a lesson with a table is rendered.
  const Table = require('cli-table3') as typeof import('cli-table3');
  const table = new Table({ ...options, head: [...header], colWidths: widths.map((w) => w + 2), wordWrap: true, wrapOnWordBoundary: true });
  for (const row of rows) table.push([...row]);
  return table.toString();
}

/** Content widths that fit `width`, or undefined when some column would be narrower than it can be read at. */
function columnWidths(table: readonly (readonly string[])[], width: number): number[] | undefined {
  const count = Math.max(...table.map((row) => row.length));
  const natural = Array.from({ length: count }, (_, i) => Math.max(1, ...table.map((row) => displayWidth(row[i] ?? ''))));
  const available = width - overhead(count);
  if (natural.reduce((a, b) => a + b, 0) <= available) return natural;
  const longestWord = (i: number): number => Math.max(...table.flatMap((row) => (row[i] ?? '').split(/\s+/).map(displayWidth)));
  const least = natural.map((n, i) => Math.min(n, Math.max(longestWord(i), MIN_COLUMN)));
  let spare = available - least.reduce((a, b) => a + b, 0);
  if (spare < 0) return undefined;
  // The columns that want more share what is left in proportion to what they lack.
  const lacking = natural.map((n, i) => n - least[i]!);
  const totalLacking = lacking.reduce((a, b) => a + b, 0);
  const widths = least.map((w, i) => w + Math.floor((spare * lacking[i]!) / totalLacking));
  spare = available - widths.reduce((a, b) => a + b, 0);
  for (let i = 0; spare > 0 && i < count; i++) {
    if (widths[i]! < natural[i]!) {
      widths[i]!++;
      spare--;
    }
  }
  return widths;
}

/** One block per row: its first cell, then each other cell after its column's name. */
function listLayout(header: readonly string[], rows: readonly (readonly string[])[], width: number): string {
  return rows
    .map(([first = '', ...rest]) => {
      const cells = rest.map((cell, i) => {
        const name = header[i + 1];
        return wrapBeside('  ', name ? `${name}: ${cell}` : cell, width);
      });
      return [wrapLine(first, width), ...cells].join('\n');
    })
    .join('\n\n');
}
