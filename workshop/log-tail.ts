import type { TranscriptEntry } from '../src/protocol';

/**
 * A log entry as a mentor reads it on the dashboard: commands and replies with their line ends
 * made visible (`␍␊`, RFC 1939 §3), a multi-line reply's size and its terminating `.` shown,
 * and secrets already masked by the session log (`PASS ***`).
 */
export function visibleLine(entry: TranscriptEntry): string {
  const time = new Date(entry.time).toISOString().slice(11, 19);
  if (entry.direction === '*') return `${time} ${entry.session} *  ${entry.text}${entry.fault ? `  [fault: ${entry.fault}]` : ''}`;
  const line = `${time} ${entry.session} ${entry.direction}: ${entry.text}␍␊`;
  const body = entry.direction === 'S' && entry.octets !== undefined ? `  … ${entry.octets} octets …  .␍␊` : '';
  return `${line}${body}${entry.fault ? `  [fault: ${entry.fault}]` : ''}`;
}
