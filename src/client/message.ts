import { makeVisible, truncate } from '../protocol/visible';
import { INSPECT, type Inspect, type InspectOptions } from './inspect';

const PREVIEW_LINES = 3;
const PREVIEW_WIDTH = 72;

/**
 * A retrieved message (RETR) or message head (TOP): the un-stuffed CRLF bytes exactly as the
 * server delivered them. Decoding beyond UTF-8 text is the caller's choice (RFC 2045 charsets).
 */
export class Pop3Message {
  /** The message-number it was retrieved as (RFC 1939 §5: valid for this session only). */
  readonly n: number | undefined;
  /** The un-stuffed bytes, every line ending in CRLF. */
  readonly bytes: Buffer;
  #text: string | undefined;
  #header: Map<string, string> | undefined;

  constructor(bytes: Buffer, n?: number) {
    this.bytes = bytes;
    this.n = n;
  }

  /** Size in octets (RFC 1939 §11: counted with CRLF line ends, after un-stuffing). */
  get size(): number {
    return this.bytes.length;
  }

  /** The bytes decoded as UTF-8 (invalid sequences become U+FFFD). */
  get text(): string {
    this.#text ??= this.bytes.toString('utf8');
    return this.#text;
  }

  /** The header section (RFC 5322 §2.2), up to the first empty line. */
  get headerText(): string {
    const end = this.text.indexOf('\r\n\r\n');
    return end === -1 ? this.text : this.text.slice(0, end + 2);
  }

  /** The body (RFC 5322 §2.3), after the first empty line; empty for a message without one. */
  get bodyText(): string {
    const end = this.text.indexOf('\r\n\r\n');
    return end === -1 ? '' : this.text.slice(end + 4);
  }

  /**
   * The first header field called `name` (case-insensitive), unfolded (RFC 5322 §2.2.3), with
   * encoded-words decoded (RFC 2047); undefined when absent.
   */
  header(name: string): string | undefined {
    this.#header ??= readHeader(this.headerText);
    return this.#header.get(name.toLowerCase());
  }

  get subject(): string | undefined {
    return this.header('subject');
  }

  get from(): string | undefined {
    return this.header('from');
  }

  /** The first lines of the body, made safe to print, for a quick look. */
  preview(lines = PREVIEW_LINES): string[] {
    return this.bodyText
      .split('\r\n')
      .filter((l) => l.trim() !== '')
      .slice(0, lines)
      .map((l) => truncate(makeVisible(l), PREVIEW_WIDTH));
  }

  /** The REPL form: size, sender, subject and a preview, control characters made visible. */
  [INSPECT](depth: number, options: InspectOptions, show: Inspect): string {
    const name = 'Pop3Message';
    if (depth < 0) return options.stylize(`[${name}]`, 'special');
    const summary: Record<string, unknown> = {};
    if (this.n !== undefined) summary.n = this.n;
    summary.size = this.size;
    const from = this.from;
    const subject = this.subject;
    if (from !== undefined) summary.from = truncate(makeVisible(from), PREVIEW_WIDTH);
    if (subject !== undefined) summary.subject = truncate(makeVisible(subject), PREVIEW_WIDTH);
    summary.preview = this.preview();
    return `${name} ${show(summary, { ...options, depth: 2 })}`;
  }
}

function readHeader(headerText: string): Map<string, string> {
  const fields = new Map<string, string>();
  const unfolded = headerText.replace(/\r\n(?=[ \t])/g, '');
  for (const line of unfolded.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(name)) fields.set(name, decodeEncodedWords(line.slice(colon + 1).trim()));
  }
  return fields;
}

/** RFC 2047 §4: `=?charset?B|Q?text?=`; whitespace between adjacent encoded-words is dropped (§6.2). */
export function decodeEncodedWords(value: string): string {
  const word = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;
  const joined = value.replace(/(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?)/g, '$1');
  return joined.replace(word, (whole, charset: string, encoding: string, text: string) => {
    try {
      const bytes = encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
      const label = charset.split('*')[0] ?? charset; // RFC 2231 §5 language suffix
      return new TextDecoder(label).decode(bytes);
    } catch {
      return whole; // unknown charset: leave the word as it was
    }
  });
}
