import type { RawPop3 } from '../helpers/raw-pop3';

/** Commands whose +OK reply carries a body, by our own reading of RFC 1939 and RFC 2449. */
function isMultiline(line: string): boolean {
  const [word = '', ...args] = line.split(' ');
  const keyword = word.toUpperCase();
  if (keyword === 'CAPA' || keyword === 'RETR' || keyword === 'TOP') return true;
  return (keyword === 'LIST' || keyword === 'UIDL') && args.length === 0;
}

/**
 * Records a conversation as a transcript: `C:` lines sent, `S:` lines received. Message bodies
 * (RETR, TOP) are shown as `<n octets>` so transcripts stay readable; listings and CAPA in full.
 */
export class Conversation {
  readonly lines: string[] = [];
  /** Bodies of multi-line replies, un-stuffed, in order. */
  readonly bodies: Buffer[] = [];
  readonly #client: RawPop3;
  readonly #hide: [string, string][] = [];

  constructor(client: RawPop3) {
    this.#client = client;
  }

  /** Replaces a varying value (a timestamp, a digest, a uid) with a fixed placeholder in the transcript. */
  hide(value: string, placeholder: string): void {
    this.#hide.push([value, placeholder]);
  }

  #mask(text: string): string {
    return this.#hide.reduce((t, [value, placeholder]) => t.split(value).join(placeholder), text);
  }

  async greeting(): Promise<string> {
    const line = await this.#client.readLine();
    this.lines.push(`S: ${line}`);
    return line;
  }

  /** Sends a command and records it and its whole reply. Returns the status line. */
  async send(line: string): Promise<string> {
    this.lines.push(`C: ${line}`);
    if (!isMultiline(line)) {
      const status = await this.#client.command(line);
      this.lines.push(`S: ${status}`);
      return status;
    }
    const reply = await this.#client.multiline(line);
    this.lines.push(`S: ${reply.status}`);
    if (reply.status.startsWith('+OK')) {
      this.bodies.push(reply.body);
      const keyword = line.split(' ')[0]!.toUpperCase();
      if (keyword === 'RETR' || keyword === 'TOP') this.lines.push(`S: <${reply.body.length} octets>`);
      else for (const l of reply.lines) this.lines.push(`S: ${l}`);
      this.lines.push('S: .');
    }
    return reply.status;
  }

  /** The transcript, varying values masked, one line per entry. */
  toString(): string {
    return this.lines.map((l) => this.#mask(l)).join('\n');
  }
}
