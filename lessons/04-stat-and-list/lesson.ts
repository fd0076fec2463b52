import type { Facts, LessonDefinition } from '../../src/tutor';
import { isRecord, loginLines, maildropInUse, noSuchMessage, notLoggedIn, retrievedSeed } from '../common';

/** The mailbox this lesson starts from; message 3 is stored with bare LF line ends. */
const MAILBOX = ['welcome', 'newsletter-alternative', 'bare-lf', 'report-attachment', 'thread-question'];

const isScan = (v: unknown): v is { n: number; size: number } => isRecord(v) && !Array.isArray(v) && typeof v.n === 'number' && typeof v.size === 'number';
const isDrop = (v: unknown): boolean => isRecord(v) && typeof v.count === 'number' && typeof v.size === 'number';

/** `LIST n` answered +OK: the message's size from the one-line scan listing. */
const singleListSizes = (f: Facts): number[] =>
  f.exchanges('LIST')
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
        const ok = f.exchanges('LIST').filter((x) => x.reply.status === '+OK');
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
        const size = f.seed('bare-lf').size;
        const listed = singleListSizes(f).includes(size) || f.produced((v) => isScan(v) && v.size === size);
        return listed && retrievedSeed(f, 'bare-lf').length > 0;
      },
      hints: [
        'RFC 1939 §11: a server that stores lines ending in a single LF still counts every line ending as two octets, CR LF, because that is what goes on the wire.',
        '`const scan = await pop.list(3)`, `const msg = await pop.retr(3)`, then compare `msg.size` with `scan.size`.',
      ],
    },
  ],
  mistakes: [
    notLoggedIn(
      ['STAT', 'LIST'],
      'STAT and LIST work only after login, in the TRANSACTION state (RFC 1939 §5). Send `USER alice` and `PASS wonderland` first.',
      ['const pop = await connect(sandbox)', 'await pop.stat()'],
    ),
    noSuchMessage(
      ['LIST', 'RETR'],
      'There is no message with that number: message-numbers run from 1 to the count STAT gives (RFC 1939 §5). Here that is 1 to 5.',
      [...loginLines(), 'await pop.list(9)'],
    ),
    {
      id: 'number-zero',
      when: (f) => f.repl.errors.some((e) => e.code === 'INVALID_ARGUMENT'),
      hint: 'Message-numbers start at 1, not 0 (RFC 1939 §3); the client refuses anything else before sending it.',
      example: [...loginLines(), 'await pop.list(0)'],
    },
    maildropInUse(
      'Another session still holds the maildrop (RFC 1939 §4), perhaps your raw one: `QUIT` it (or `await pop.quit()`), then log in again. `.reset` closes every session.',
    ),
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
