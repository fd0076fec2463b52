import { stuffMultiline, toCanonicalCrlf } from '../src/protocol';

/** A multi-line body, ready for the wire. */
export interface ReplyBody {
  /** Byte-stuffed lines and the ".CRLF" terminator (RFC 1939 §3). */
  wire: Buffer;
  /** Octets of the body before stuffing, without the terminator (the RFC 1939 §11 size). */
  octets: number;
}

/** A `+OK` or `-ERR` reply, optionally with a multi-line body. */
export interface StatusReply {
  kind: 'status';
  ok: boolean;
  /** RFC 2449 §8 response code, without brackets. */
  code?: string;
  text: string;
  body?: ReplyBody;
  /** Unique-ids the reply concerns (RETR, TOP, DELE), for the session log. */
  uids?: string[];
  /** What the session does once the reply is written. */
  after?: 'close' | 'starttls';
  /** Why the session closes, when `after` is `close` (logged in the CLOSE event). */
  closeReason?: string;
  /** Set when an injected fault produced this reply. */
  fault?: string;
  /** A protocol mistake (unknown command, wrong state, bad syntax): counts towards MAX_BAD_COMMANDS. */
  bad?: boolean;
}

/** A SASL continuation (RFC 5034 §4): `+`, one space, base64. */
export interface ContinuationReply {
  kind: 'continuation';
  /** Base64 text, possibly empty. */
  data: string;
}

/** What a handler returns; the session writes it, so a command can never get two replies. */
export type Reply = StatusReply | ContinuationReply;

type ReplyExtras = Omit<StatusReply, 'kind' | 'ok' | 'text'>;

/**
 * Every status reply has every field, in one order: the session code that writes replies then
 * sees a single object shape, which V8 keeps optimised whatever command comes next.
 */
function statusReply(ok: boolean, text: string, extras: ReplyExtras): StatusReply {
  return {
    kind: 'status',
    ok,
    text,
    code: extras.code,
    body: extras.body,
    uids: extras.uids,
    after: extras.after,
    closeReason: extras.closeReason,
    fault: extras.fault,
    bad: extras.bad,
  };
}

/** A `+OK` reply. */
export function ok(text: string, extras: ReplyExtras = {}): StatusReply {
  return statusReply(true, text, extras);
}

/** A `-ERR` reply. */
export function err(text: string, extras: ReplyExtras = {}): StatusReply {
  return statusReply(false, text, extras);
}

/** A SASL continuation carrying `challenge`, base64-encoded. */
export function continuation(challenge: Buffer): ContinuationReply {
  return { kind: 'continuation', data: challenge.toString('base64') };
}

/** Builds a multi-line body from message bytes (canonicalised, then stuffed). */
export function messageBody(bytes: Buffer): ReplyBody {
  const canonical = toCanonicalCrlf(bytes);
  return { wire: stuffMultiline(canonical), octets: canonical.length };
}

/** Builds a multi-line body from text lines (listings, CAPA). */
export function linesBody(lines: readonly string[]): ReplyBody {
  return messageBody(Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1'));
}
