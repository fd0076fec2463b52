/**
 * Generated maildrops for the benchmarks: the same bytes go to the sandbox (as .eml folders)
 * and to Dovecot (as buffers), so both servers serve identical mail.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KIB = 1024;
export const MIB = 1024 * 1024;

/** A benchmark account: credentials plus its messages in canonical CRLF form. */
export interface BenchAccount {
  name: string;
  password: string;
  messages: readonly Buffer[];
  /** The folder of .eml files holding `messages`, once written. */
  emlDir?: string;
}

const LINE_OCTETS = 78; // 76 characters + CRLF, the line length of base64 bodies (RFC 2045 §6.8)
const BLOCK_LINES = 840;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * A 64 KiB block of body lines, deterministic. Every block has a line that starts with a dot,
 * so both servers pay for byte-stuffing (RFC 1939 §3) as real mail makes them do.
 */
function makeBodyBlock(): Buffer {
  const block = Buffer.alloc(BLOCK_LINES * LINE_OCTETS);
  let state = 0x2545f491;
  for (let line = 0; line < BLOCK_LINES; line++) {
    const start = line * LINE_OCTETS;
    for (let i = 0; i < LINE_OCTETS - 2; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      block[start + i] = ALPHABET.charCodeAt((state >>> 0) % ALPHABET.length);
    }
    if (line % 420 === 7) block[start] = 0x2e; // '.'
    block[start + LINE_OCTETS - 2] = 0x0d;
    block[start + LINE_OCTETS - 1] = 0x0a;
  }
  return block;
}

let bodyBlock: Buffer | undefined;

/**
 * One message of exactly `size` octets (CRLF line ends, final CRLF), with ordinary headers
 * and a body of 76-character lines.
 */
export function makeMessage(size: number, index: number, subject: string): Buffer {
  const header = Buffer.from(
    [
      'Return-Path: <sender@bench.example>',
      'From: Bench Sender <sender@bench.example>',
      'To: Bench Reader <reader@bench.example>',
      `Subject: ${subject} #${index}`,
      `Date: Mon, 1 Jan 2024 00:${String(Math.floor(index / 60) % 60).padStart(2, '0')}:${String(index % 60).padStart(2, '0')} +0000`,
      `Message-ID: <bench-${index}-${size}@bench.example>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      '',
    ].join('\r\n'),
    'latin1',
  );
  if (size < header.length + 2) throw new RangeError(`message size ${size} is below the header size ${header.length + 2}`);
  bodyBlock ??= makeBodyBlock();
  const out = Buffer.alloc(size);
  header.copy(out, 0);
  let at = header.length;
  let from = (index * LINE_OCTETS * 13) % bodyBlock.length; // vary the body per message, on a line boundary
  // Whole lines while at least two lines' worth remain; the last line takes up the rest.
  while (size - at >= 2 * LINE_OCTETS) {
    const lines = Math.min(Math.floor((size - at - LINE_OCTETS) / LINE_OCTETS), (bodyBlock.length - from) / LINE_OCTETS);
    const octets = lines * LINE_OCTETS;
    bodyBlock.copy(out, at, from, from + octets);
    at += octets;
    from = (from + octets) % bodyBlock.length;
  }
  const rest = size - at - 2;
  out.fill(0x71, at, at + rest); // 'q'
  out[size - 2] = 0x0d;
  out[size - 1] = 0x0a;
  return out;
}

/** `count` messages of `size` octets each. */
export function makeMessages(count: number, size: number, subject: string): Buffer[] {
  return Array.from({ length: count }, (_, i) => makeMessage(size, i + 1, subject));
}

/** A scratch folder for one run; removed by `remove()`. */
export interface FixtureDir {
  path: string;
  remove(): void;
}

let exitOnSignals = false;

/**
 * Creates a scratch folder under the system temp dir. It holds hundreds of megabytes, so it
 * is removed at exit too, and Ctrl+C or SIGTERM become an ordinary exit so that happens.
 */
export function createFixtureDir(prefix: string): FixtureDir {
  const path = mkdtempSync(join(tmpdir(), `pop3-bench-${prefix}-`));
  const remove = (): void => rmSync(path, { recursive: true, force: true });
  process.once('exit', remove);
  if (!exitOnSignals) {
    exitOnSignals = true;
    process.once('SIGINT', () => process.exit(130));
    process.once('SIGTERM', () => process.exit(143));
  }
  return { path, remove };
}

/**
 * Writes each account's messages as numbered .eml files (00001.eml, ...) so that the order
 * read back by name is the order of `messages`. Accounts sharing one `messages` array share
 * one folder.
 */
export function writeEmlDirs(root: string, accounts: BenchAccount[]): void {
  const written = new Map<readonly Buffer[], string>();
  for (const account of accounts) {
    let dir = written.get(account.messages);
    if (dir === undefined) {
      dir = join(root, `maildrop-${written.size + 1}`);
      mkdirSync(dir, { recursive: true });
      account.messages.forEach((message, i) => {
        writeFileSync(join(dir as string, `${String(i + 1).padStart(5, '0')}.eml`), message);
      });
      written.set(account.messages, dir);
    }
    account.emlDir = dir;
  }
}

/** Total octets of a list of messages. */
export function totalOctets(messages: readonly Buffer[]): number {
  return messages.reduce((sum, m) => sum + m.length, 0);
}

/** `count` accounts named user0001... sharing one small maildrop, for the many-sessions workloads. */
export function makeManyAccounts(count: number, messages: readonly Buffer[]): BenchAccount[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `user${String(i + 1).padStart(4, '0')}`,
    password: `pass${i + 1}`,
    messages,
  }));
}
