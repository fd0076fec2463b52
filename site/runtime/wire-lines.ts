/**
 * The wire view: a run's session-log entries as the bytes crossed the connection, C: and S:
 * lines with their CRLF shown, a multi-line reply's body summarised and its terminating "."
 * shown (RFC 1939 §3), secrets as the log already masks them (`PASS ***`). Events that are not
 * on the wire (CONNECT, CLOSE, UPDATE) are marked as such.
 */
import type { TranscriptEntry } from '../../src/protocol/transcript';

/** The visible CR LF that ends every POP3 line (RFC 1939 §3). */
export const CRLF_MARK = '␍␊';

/** One line of the wire view. */
export interface WireLine {
  kind: 'C' | 'S' | 'body' | 'event';
  text: string;
}

/** The wire view of some session-log entries. */
export function wireLines(entries: readonly TranscriptEntry[]): WireLine[] {
  const lines: WireLine[] = [];
  for (const entry of entries) {
    if (entry.direction === '*') {
      lines.push({ kind: 'event', text: `*  ${entry.session} ${entry.text}` });
      continue;
    }
    lines.push({ kind: entry.direction, text: `${entry.direction}: ${entry.text}${CRLF_MARK}` });
    // A multi-line reply: its body (dot-stuffed on the wire), then a line holding only ".".
    if (entry.direction === 'S' && entry.octets !== undefined) {
      lines.push({ kind: 'body', text: `   … ${entry.octets} octets …` });
      lines.push({ kind: 'S', text: `S: .${CRLF_MARK}` });
    }
  }
  return lines;
}
