import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Facts, LessonDefinition } from '../../src/tutor';
import type { TranscriptEntry } from '../../src/protocol/transcript';

/** The mailbox this lesson starts from: two messages carry attachments, one of them over a megabyte. */
const MAILBOX = ['welcome', 'thread-question', 'report-attachment', 'big-attachment', 'shipping-notice', 'newsletter-alternative'];

const SEED_DIR = path.join(__dirname, '..', '..', 'sandbox-server', 'seed');
const sizes = new Map<string, number>();

/**
 * A seed message's size as a POP3 server reports it: its octets with every line ending in CRLF
 * (RFC 1939 §11). Checks name messages by seed name, never by number.
 */
function seedSize(name: string): number {
  const known = sizes.get(name);
  if (known !== undefined) return known;
  const manifest = JSON.parse(readFileSync(path.join(SEED_DIR, 'manifest.json'), 'utf8')) as { messages: Record<string, { file: string }> };
  const entry = manifest.messages[name];
  if (!entry) throw new Error(`no seed message named ${name}`);
  const crlf = readFileSync(path.join(SEED_DIR, entry.file)).toString('latin1').replace(/\r?\n/g, '\r\n');
  const size = Buffer.byteLength(crlf.endsWith('\r\n') ? crlf : `${crlf}\r\n`, 'latin1');
  sizes.set(name, size);
  return size;
}

/** Each command of `keyword` with the reply that answered it (the next S entry of its session). */
function exchanges(f: Facts, keyword: string): { command: TranscriptEntry; reply: TranscriptEntry }[] {
  return f.sessions().flatMap((s) =>
    s.entries.flatMap((command, i) => {
      if (command.direction !== 'C' || command.keyword !== keyword) return [];
      const reply = s.entries.slice(i + 1).find((e) => e.direction === 'S');
      return reply && reply.keyword === keyword ? [{ command, reply }] : [];
    }),
  );
}

/** Successful RETRs of one seed message (identified by its size). */
const retrieved = (f: Facts, name: string): TranscriptEntry[] => f.replies('RETR').filter((e) => e.status === '+OK' && e.octets === seedSize(name));

/** Unique-ids whose head was read with TOP. */
const toppedUids = (f: Facts): Set<string> => new Set(f.replies('TOP').filter((e) => e.status === '+OK').flatMap((e) => e.uids ?? []));

/** True when `value`, or a string inside it (two levels deep), satisfies `test`. */
function containsString(value: unknown, test: (s: string) => boolean, depth = 2): boolean {
  if (typeof value === 'string') return test(value);
  if (depth === 0 || typeof value !== 'object' || value === null) return false;
  const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  return children.some((child) => containsString(child, test, depth - 1));
}

const lesson: LessonDefinition = {
  formatVersion: 1,
  title: 'TOP',
  summary: 'Headers only, or the first lines of a body: deciding what to download before downloading it',
  rfc: ['RFC 1939 §7', 'RFC 2449 §6.1'],
  start: { mailboxes: { alice: MAILBOX } },
  goals: [
    {
      id: 'raw-top-zero',
      text: 'In raw mode, log in and send `TOP 1 0`: the header section alone',
      check: (f) => f.repl.rawLines.some((l) => /^TOP \d+ 0$/.test(l)) && exchanges(f, 'TOP').some((x) => x.command.args[1] === '0' && x.reply.status === '+OK'),
      hints: [
        '`TOP msg n` sends the header, the blank line, and the first n lines of the body (RFC 1939 §7). With n = 0: the header alone.',
        '`.raw`, `USER alice`, `PASS wonderland`, then `TOP 1 0`.',
      ],
    },
    {
      id: 'raw-top-lines',
      text: 'Then ask for the first lines of the body too: `TOP 1 3`',
      check: (f) => f.repl.rawLines.some((l) => /^TOP \d+ [1-9]\d*$/.test(l)) && exchanges(f, 'TOP').some((x) => x.command.args[1] !== '0' && x.reply.status === '+OK'),
      hints: ['Same command, a larger second argument: `TOP 1 3`. Then `QUIT`, to free the maildrop for the client.'],
    },
    {
      id: 'client-heads',
      text: 'With the client, fetch the header of every message: `pop.top(n, 0)` for each `n` that `pop.list()` gives',
      check: (f) => toppedUids(f).size >= MAILBOX.length,
      hints: [
        '`pop.list()` gives every message-number; `pop.top(n, 0)` resolves to a `Pop3Message` holding just the header.',
        '`const scans = await pop.list()`, then `const heads = await Promise.all(scans.map(({ n }) => pop.top(n, 0)))`: the client sends the TOPs back to back and matches the replies in order.',
      ],
    },
    {
      id: 'content-type',
      text: 'Find the messages with attachments by their `Content-Type`: `multipart/mixed`',
      check: (f) => f.produced((v) => containsString(v, (s) => /^multipart\/mixed/i.test(s.trim()))),
      hints: [
        'A message with attachments is usually `multipart/mixed` (RFC 2046 §5.1.3); the header field says so before you download the body.',
        '`heads.map((head) => head.header("content-type"))`, or a table: `heads.map((head, i) => ({ n: head.n, size: scans[i]!.size, type: head.header("content-type") }))`.',
      ],
    },
    {
      id: 'small-one-only',
      text: 'Download the attachment message that is small, and not the one of over a megabyte',
      check: (f) => {
        const small = retrieved(f, 'report-attachment');
        const looked = toppedUids(f);
        return small.some((e) => (e.uids ?? []).some((uid) => looked.has(uid))) && retrieved(f, 'big-attachment').length === 0;
      },
      hints: [
        'Two messages are `multipart/mixed`; LIST (or `scans`) tells you their sizes. One of them is over 1,000,000 octets.',
        'Retrieve only the smaller one with `await pop.retr(n)`, using its number from your table. Then `await pop.quit()`.',
      ],
    },
  ],
  mistakes: [
    {
      id: 'top-needs-two-arguments',
      when: (f) => f.replies('TOP').some((e) => e.status === '-ERR' && /takes 2 arguments/.test(e.text)),
      hint: 'TOP takes two arguments: the message-number and how many body lines you want, `TOP 1 0` for the header alone (RFC 1939 §7).',
      example: ['.raw', 'USER alice', 'PASS wonderland', 'TOP 1', 'QUIT'],
    },
    {
      id: 'negative-line-count',
      when: (f) => f.repl.errors.some((e) => e.code === 'INVALID_ARGUMENT') || f.replies('TOP').some((e) => e.status === '-ERR' && /line count/.test(e.text)),
      hint: 'The line count is a number of body lines, 0 or more (RFC 1939 §7); message-numbers start at 1.',
      example: ['const pop = await connect(sandbox)', "await pop.user('alice')", "await pop.pass('wonderland')", 'await pop.top(1, -1)'],
    },
    {
      id: 'downloaded-the-big-one',
      when: (f) => retrieved(f, 'big-attachment').length > 0,
      hint: 'That was the message of over a megabyte, the one TOP let you skip: LIST gives sizes and `TOP n 0` the headers, so a client can leave big mail for later (or for a faster line). `.reset` to try again.',
      example: ['const pop = await connect(sandbox)', "await pop.user('alice')", "await pop.pass('wonderland')", 'await pop.retr(4)'],
    },
    {
      id: 'not-logged-in',
      when: (f) => f.replies('TOP').some((e) => e.status === '-ERR' && e.stateBefore === 'AUTHORIZATION'),
      hint: 'TOP works only after login, in the TRANSACTION state (RFC 1939 §7): `USER alice` and `PASS wonderland` first.',
      example: ['const pop = await connect(sandbox)', 'await pop.top(1, 0)'],
    },
    {
      id: 'no-such-message',
      when: (f) => f.replies('TOP').some((e) => e.status === '-ERR' && /no such message/.test(e.text)),
      hint: 'There is no message with that number: in this lesson they run from 1 to 6. `pop.list()` gives them.',
      example: ['const pop = await connect(sandbox)', "await pop.user('alice')", "await pop.pass('wonderland')", 'await pop.top(9, 0)'],
    },
    {
      id: 'maildrop-in-use',
      when: (f) => f.replies().some((e) => e.status === '-ERR' && e.code === 'IN-USE'),
      hint: 'Another session still holds the maildrop (RFC 1939 §4), perhaps your raw one: `QUIT` it, or `await pop.quit()`, then log in again. `.reset` closes every session.',
      example: [
        'const a = await connect(sandbox)',
        "await a.user('alice')",
        "await a.pass('wonderland')",
        'const b = await connect(sandbox)',
        "await b.user('alice')",
        "await b.pass('wonderland')",
      ],
    },
  ],
  solution: [
    '.raw',
    'USER alice',
    'PASS wonderland',
    'TOP 1 0',
    'TOP 1 3',
    'QUIT',
    'let pop = await connect(sandbox)',
    "await pop.user('alice')",
    "await pop.pass('wonderland')",
    'const scans = await pop.list()',
    'const heads = await Promise.all(scans.map(({ n }) => pop.top(n, 0)))',
    "heads.map((head, i) => ({ n: head.n, size: scans[i]!.size, type: head.header('content-type')?.split(';')[0] }))",
    "const wanted = heads.filter((head, i) => head.header('content-type')?.startsWith('multipart/mixed') && scans[i]!.size < 100_000)",
    'await pop.retr(wanted[0]!.n!)',
    'await pop.quit()',
  ],
};

export default lesson;
