import type { Facts, LessonDefinition } from '../../src/tutor';
import { loginLines, maildropInUse, notLoggedIn, retrievedSeed } from '../common';

/** The mailbox this lesson starts from: two messages carry attachments, one of them over a megabyte. */
const MAILBOX = ['welcome', 'thread-question', 'report-attachment', 'big-attachment', 'shipping-notice', 'newsletter-alternative'];

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
      check: (f) => f.repl.rawLines.some((l) => /^TOP \d+ 0$/.test(l)) && f.exchanges('TOP').some((x) => x.command.args[1] === '0' && x.reply.status === '+OK'),
      hints: [
        '`TOP msg n` sends the header, the blank line, and the first n lines of the body (RFC 1939 §7). With n = 0: the header alone.',
        '`.raw`, `USER alice`, `PASS wonderland`, then `TOP 1 0`.',
      ],
    },
    {
      id: 'raw-top-lines',
      text: 'Then ask for the first lines of the body too: `TOP 1 3`',
      check: (f) => f.repl.rawLines.some((l) => /^TOP \d+ [1-9]\d*$/.test(l)) && f.exchanges('TOP').some((x) => x.command.args[1] !== '0' && x.reply.status === '+OK'),
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
        const small = retrievedSeed(f, 'report-attachment');
        const looked = toppedUids(f);
        return small.some((e) => (e.uids ?? []).some((uid) => looked.has(uid))) && retrievedSeed(f, 'big-attachment').length === 0;
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
      example: [...loginLines(), 'await pop.top(1, -1)'],
    },
    {
      id: 'downloaded-the-big-one',
      when: (f) => retrievedSeed(f, 'big-attachment').length > 0,
      hint: 'That was the message of over a megabyte, the one TOP let you skip: LIST gives sizes and `TOP n 0` the headers, so a client can leave big mail for later (or for a faster line). `.reset` to try again.',
      example: [...loginLines(), 'await pop.retr(4)'],
    },
    notLoggedIn(
      ['TOP'],
      'TOP works only after login, in the TRANSACTION state (RFC 1939 §7): `USER alice` and `PASS wonderland` first.',
      ['const pop = await connect(sandbox)', 'await pop.top(1, 0)'],
    ),
    {
      id: 'no-such-message',
      when: (f) => f.replies('TOP').some((e) => e.status === '-ERR' && /no such message/.test(e.text)),
      hint: 'There is no message with that number: in this lesson they run from 1 to 6. `pop.list()` gives them.',
      example: [...loginLines(), 'await pop.top(9, 0)'],
    },
    maildropInUse(
      'Another session still holds the maildrop (RFC 1939 §4), perhaps your raw one: `QUIT` it, or `await pop.quit()`, then log in again. `.reset` closes every session.',
    ),
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
