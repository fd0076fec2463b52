import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Facts, LessonDefinition } from '../../src/tutor';
import type { TranscriptEntry } from '../../src/protocol/transcript';

/** The mailbox this lesson starts from; message 3 is stored with bare LF line ends. */
const MAILBOX = ['welcome', 'newsletter-alternative', 'bare-lf', 'report-attachment', 'thread-question'];

const SEED_DIR = path.join(__dirname, '..', '..', 'sandbox-server', 'seed');
const sizes = new Map<string, number>();

/**
 * A seed message's size as a POP3 server must report it: its octets with every line ending in
 * CRLF, a final CRLF included (RFC 1939 §11). Checks name messages by seed name, never by number.
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

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isScan = (v: unknown): v is { n: number; size: number } => isRecord(v) && !Array.isArray(v) && typeof v.n === 'number' && typeof v.size === 'number';
const isDrop = (v: unknown): boolean => isRecord(v) && typeof v.count === 'number' && typeof v.size === 'number';

/** `LIST n` answered +OK: the message's size from the one-line scan listing. */
const singleListSizes = (f: Facts): number[] =>
  exchanges(f, 'LIST')
    .filter((x) => x.command.args.length === 1 && x.reply.status === '+OK')
    .map((x) => Number(x.reply.text.split(' ')[2]));

const lesson: LessonDefinition = {
  formatVersion: 1,
  title: 'STAT and LIST',
  summary: 'How many messages, how big: drop listings and scan listings, one-line and multi-line replies',
  rfc: ['RFC 1939 §3', 'RFC 1939 §5', 'RFC 1939 §11'],
  start: { mailboxes: { alice: MAILBOX } },
  goals: [
    {
      id: 'raw-stat',
      text: 'Type `.raw`, log in with `USER alice` and `PASS wonderland`, then send `STAT`',
      check: (f) => f.repl.rawLines.includes('STAT') && f.replies('STAT').some((e) => e.status === '+OK'),
      hints: [
        'STAT works only once you are logged in, in the TRANSACTION state (RFC 1939 §5).',
        'In raw mode: `USER alice`, `PASS wonderland`, then `STAT`. The answer is `+OK`, the number of messages and their total size in octets.',
      ],
    },
    {
      id: 'raw-list',
      text: 'Still in raw mode, compare `LIST` (many lines, ending with `.`) and `LIST 3` (one line)',
      check: (f) => {
        const typed = f.repl.rawLines;
        const ok = exchanges(f, 'LIST').filter((x) => x.reply.status === '+OK');
        return typed.includes('LIST') && typed.some((l) => /^LIST \d+$/.test(l)) && ok.some((x) => x.command.args.length === 0) && ok.some((x) => x.command.args.length === 1);
      },
      hints: [
        '`LIST` without an argument answers with a scan listing of every message, one line each, and a lone `.` at the end. With a message-number it answers on the status line alone.',
        'Type `LIST`, then `LIST 3`. Then `QUIT` to leave raw mode and release the maildrop.',
      ],
    },
    {
      id: 'client-stat',
      text: 'With the client, log in and call `await pop.stat()`',
      check: (f) => f.produced(isDrop),
      hints: [
        '`let pop = await connect(sandbox)`, `await pop.user("alice")`, `await pop.pass("wonderland")`.',
        'Then `await pop.stat()`: the client parses the drop listing into `{ count, size }`.',
      ],
    },
    {
      id: 'client-list',
      text: 'Call `await pop.list()` (every message) and `await pop.list(3)` (one)',
      check: (f) => f.produced((v) => Array.isArray(v) && v.length > 0 && v.every(isScan)) && f.produced(isScan),
      hints: [
        'The client method has two shapes, like the command: without an argument it resolves to an array, with a message-number to one `{ n, size }`.',
        '`await pop.list()`, then `await pop.list(3)`.',
      ],
    },
    {
      id: 'crlf-size',
      text: 'Message 3 is stored with bare LF line ends: check that `LIST 3` gives exactly the octets `RETR 3` delivers',
      check: (f) => {
        const size = seedSize('bare-lf');
        const listed = singleListSizes(f).includes(size) || f.produced((v) => isScan(v) && v.size === size);
        return listed && f.replies('RETR').some((e) => e.status === '+OK' && e.octets === size);
      },
      hints: [
        'RFC 1939 §11: a server that stores lines ending in a single LF still counts every line ending as two octets, CR LF, because that is what goes on the wire.',
        '`const scan = await pop.list(3)`, `const msg = await pop.retr(3)`, then compare `msg.size` with `scan.size`.',
      ],
    },
  ],
  mistakes: [
    {
      id: 'not-logged-in',
      when: (f) => [...f.replies('STAT'), ...f.replies('LIST')].some((e) => e.status === '-ERR' && e.stateBefore === 'AUTHORIZATION'),
      hint: 'STAT and LIST work only after login, in the TRANSACTION state (RFC 1939 §5). Send `USER alice` and `PASS wonderland` first.',
      example: ['const pop = await connect(sandbox)', 'await pop.stat()'],
    },
    {
      id: 'no-such-message',
      when: (f) => [...f.replies('LIST'), ...f.replies('RETR')].some((e) => e.status === '-ERR' && e.stateBefore === 'TRANSACTION'),
      hint: 'There is no message with that number: message-numbers run from 1 to the count STAT gives (RFC 1939 §5). Here that is 1 to 5.',
      example: ['const pop = await connect(sandbox)', "await pop.user('alice')", "await pop.pass('wonderland')", 'await pop.list(9)'],
    },
    {
      id: 'number-zero',
      when: (f) => f.repl.errors.some((e) => e.code === 'INVALID_ARGUMENT'),
      hint: 'Message-numbers start at 1, not 0 (RFC 1939 §3); the client refuses anything else before sending it.',
      example: ['const pop = await connect(sandbox)', "await pop.user('alice')", "await pop.pass('wonderland')", 'await pop.list(0)'],
    },
    {
      id: 'maildrop-in-use',
      when: (f) => f.replies().some((e) => e.status === '-ERR' && e.code === 'IN-USE'),
      hint: 'Another session still holds the maildrop (RFC 1939 §4), perhaps your raw one: `QUIT` it (or `await pop.quit()`), then log in again. `.reset` closes every session.',
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
    'STAT',
    'LIST',
    'LIST 3',
    'QUIT',
    'let pop = await connect(sandbox)',
    "await pop.user('alice')",
    "await pop.pass('wonderland')",
    'await pop.stat()',
    'await pop.list()',
    'await pop.list(3)',
    'const msg = await pop.retr(3)',
    'msg.size',
    'await pop.quit()',
  ],
};

export default lesson;
