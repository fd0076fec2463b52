import { MalformedReplyError } from './errors';
import { MAX_STATUS_LINE } from './limits';

/** Response codes of RFC 2449 §8, RFC 3206 and RFC 6856 §5 that the sandbox sends. */
export type KnownResponseCode = 'IN-USE' | 'LOGIN-DELAY' | 'AUTH' | 'SYS/TEMP' | 'SYS/PERM' | 'UTF8';

/** A parsed status line: `+OK text`, `-ERR [CODE] text`, or a SASL continuation `+ base64`. */
export type StatusLine =
  | { kind: 'ok'; code?: string; text: string; line: string }
  | { kind: 'err'; code?: string; text: string; line: string }
  | { kind: 'continuation'; data: string; line: string };

/**
 * Parses a status line (without CRLF). Response codes (RFC 2449 §8) are upper-cased,
 * since they are case-insensitive; text follows as sent. Bytes decode as UTF-8, with
 * invalid sequences replaced, so no reply can fail to decode.
 * @throws MalformedReplyError when the line is not +OK, -ERR or "+ ".
 */
export function parseStatusLine(line: Buffer | string): StatusLine {
  const text = typeof line === 'string' ? line : line.toString('utf8');
  if (text === '+OK' || text.startsWith('+OK ')) {
    return { kind: 'ok', ...splitCode(text.slice(4)), line: text };
  }
  if (text === '-ERR' || text.startsWith('-ERR ')) {
    return { kind: 'err', ...splitCode(text.slice(5)), line: text };
  }
  // RFC 5034 §4: a continuation is "+", one space, and base64 (possibly empty).
  if (text === '+' || text.startsWith('+ ')) {
    return { kind: 'continuation', data: text.slice(2), line: text };
  }
  const shown = text.length > 60 ? `${text.slice(0, 60)}...` : text;
  throw new MalformedReplyError(`expected +OK or -ERR, got ${JSON.stringify(shown)}`);
}

/**
 * RFC 2449 §8: resp-code = "[" resp-level *("/" resp-level) "]", each level one or more
 * printable ASCII characters other than "/" and "]". Unambiguous, so matching is linear.
 */
const RESP_CODE = /^\[([\x21-\x2e\x30-\x5c\x5e-\x7f]+(?:\/[\x21-\x2e\x30-\x5c\x5e-\x7f]+)*)\]/;

/** Splits an optional leading `[CODE]` from the reply text (RFC 2449 §8); other bracketed text stays text. */
function splitCode(rest: string): { code?: string; text: string } {
  const match = RESP_CODE.exec(rest);
  if (!match) return { text: rest };
  return { code: match[1]!.toUpperCase(), text: rest.slice(match[0].length).trimStart() };
}

/**
 * Formats a status line with CRLF, never longer than 512 octets (RFC 1939 §3): long text is
 * cut at a character boundary. `+OK` always has text after it (RFC 1957: some clients need it).
 */
export function formatStatusLine(ok: boolean, text: string, code?: string): Buffer {
  const head = ok ? '+OK' : '-ERR';
  // RFC 1957: some clients fail on a bare "+OK", so a blank +OK text gets a word.
  const said = ok && !code && text.replace(/[\r\n]/g, ' ').trim() === '' ? 'done' : text;
  const body = code ? `[${code}] ${said}` : said;
  let line = `${head} ${body}`.replace(/[\r\n]/g, ' ');
  const max = MAX_STATUS_LINE - 2;
  if (Buffer.byteLength(line) > max) {
    let cut = Buffer.from(line).subarray(0, max - 3).toString('utf8');
    if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
    line = `${cut}...`;
  }
  return Buffer.from(`${line}\r\n`);
}

/**
 * RFC 2449 §3 msg-id shape: printable ASCII with an "@" that has something on each side.
 * Checked in one pass: a regex such as /^[!-~]+@[!-~]+$/ backtracks quadratically on a
 * long run of "@", the class of bug behind poplib's CVE-2018-1060.
 */
function hasMsgIdShape(inner: string): boolean {
  for (let i = 0; i < inner.length; i++) {
    const c = inner.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  const at = inner.indexOf('@', 1);
  return at !== -1 && at < inner.length - 1;
}

/** RFC 2449 §3: the greeting's APOP timestamp, `<...@...>`, found in linear time. */
export function findApopTimestamp(greeting: string): string | undefined {
  // Scan every "<...>" without nesting; return the first with msg-id shape (RFC 2449 §3).
  let from = 0;
  for (;;) {
    const open = greeting.indexOf('<', from);
    if (open === -1) return undefined;
    const close = greeting.indexOf('>', open + 1);
    if (close === -1) return undefined;
    const inner = greeting.slice(open + 1, close);
    const nextOpen = inner.lastIndexOf('<');
    if (nextOpen !== -1) {
      from = open + 1 + nextOpen;
      continue;
    }
    if (hasMsgIdShape(inner)) return `<${inner}>`;
    from = close + 1;
  }
}
