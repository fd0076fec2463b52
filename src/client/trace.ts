import type { TranscriptEntry } from '../protocol';
import { makeVisible, truncate } from '../protocol/visible';

const WIDTH = 120;

/**
 * Formats a trace entry as one short line, control characters made visible:
 * `c1 C: RETR 1`, `c1 S: +OK 1523 octets`, `c1 S: (1523 octets, 40 lines)`, `c1 *  TLS ...`.
 */
export function formatTraceLine(entry: TranscriptEntry): string {
  const mark = entry.direction === '*' ? '* ' : `${entry.direction}:`;
  let text: string;
  if (entry.direction === 'S' && entry.status === undefined && entry.octets !== undefined) {
    const lines = /^\((\d+) lines?\)$/.exec(entry.text)?.[1];
    text = lines === undefined ? `(${entry.octets} octets)` : `(${entry.octets} octets, ${lines} ${lines === '1' ? 'line' : 'lines'})`;
  } else {
    text = truncate(makeVisible(entry.text), WIDTH);
  }
  const fault = entry.fault ? `  [fault: ${entry.fault}]` : '';
  return `${entry.session} ${mark} ${text}${fault}`;
}

/** Prints trace entries to standard output, or to the console where there is none (what `trace: true` does). */
export function printTraceEntry(entry: TranscriptEntry): void {
  const line = formatTraceLine(entry);
  if (typeof process === 'object' && process.stdout) process.stdout.write(`${line}\n`);
  else console.log(line);
}
