import type { SessionState } from './states';

/**
 * One entry of a session log: the server's record of what happened, and the client's trace.
 * Both sides use this type, so a lesson's checks read either the same way.
 *
 * - `C` entries: a command line the client sent (server: received).
 * - `S` entries: a reply status line (`+OK`, `-ERR`, or a SASL `+` continuation).
 * - `*` entries: events without a line of their own: CONNECT, TLS, UPDATE, CLOSE, FAULT.
 */
export interface TranscriptEntry {
  /** Identifies the connection, e.g. `s3`; unique within one server or client. */
  session: string;
  /** Position within the session, from 1. */
  seq: number;
  /** Milliseconds since the epoch. */
  time: number;
  direction: 'C' | 'S' | '*';
  /** Upper-case keyword of the command (for S entries: the command answered), or the event name. */
  keyword: string;
  /** Command arguments, secrets replaced by `***`. */
  args: string[];
  /** For S entries. */
  status?: '+OK' | '-ERR' | '+';
  /** Response code without brackets, upper-case (RFC 2449 §8), e.g. `IN-USE`. */
  code?: string;
  /** The line as shown in a trace, secrets redacted, without CRLF. */
  text: string;
  /** Session state before and after this entry. */
  stateBefore: SessionState;
  stateAfter: SessionState;
  /** The maildrop's owner, once a login succeeded (or the name given to USER/APOP). */
  user?: string;
  /** Unique-ids a reply concerned (RETR, TOP, DELE), or those UPDATE removed. */
  uids?: string[];
  /** Size of a multi-line body, in octets after un-stuffing. */
  octets?: number;
  /** Set when an injected fault produced this entry; says which. */
  fault?: string;
}

/** The events recorded as `*` entries. */
export type TranscriptEvent = 'CONNECT' | 'TLS' | 'UPDATE' | 'CLOSE' | 'FAULT';

/** Formats an entry as a trace line: `C: USER alice`, `S: +OK ...`, `*  UPDATE removed 1`. */
export function formatTranscriptEntry(entry: TranscriptEntry): string {
  const mark = entry.fault ? `  [fault: ${entry.fault}]` : '';
  const body = entry.octets !== undefined && entry.direction === 'S' ? `${entry.text}  (+${entry.octets} octets)` : entry.text;
  const prefix = entry.direction === '*' ? '* ' : `${entry.direction}:`;
  return `${prefix} ${body}${mark}`;
}
