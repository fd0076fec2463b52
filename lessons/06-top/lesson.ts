import type { Facts, LessonDefinition } from '../../src/tutor';
import { isRecord, loginLines, maildropInUse, notLoggedIn, notTypedInRaw, retrievedSeed, verdict } from '../common';

/** The mailbox this lesson starts from: two messages carry attachments, one of them over a megabyte. */
const MAILBOX = ['welcome', 'thread-question', 'report-attachment', 'big-attachment', 'shipping-notice', 'newsletter-alternative'];

/** Unique-ids whose head was read with TOP. */
const toppedUids = (f: Facts): Set<string> => new Set(f.replies('TOP').filter((e) => e.status === '+OK').flatMap((e) => e.uids ?? []));

/** A header value naming a multipart/mixed message (RFC 2046 §5.1.3). */
const isMixed = (v: unknown): boolean => typeof v === 'string' && /^\s*multipart\/mixed/i.test(v);

/** Message-numbers of the heads the client fetched that are multipart/mixed. */
const mixedNumbers = (f: Facts): Set<number> =>
  new Set(
    f.calls('top').flatMap((c) => {
      const head = c.value as { n?: unknown; header?: (name: string) => unknown } | undefined;
      return c.ok && typeof head?.header === 'function' && isMixed(head.header('content-type')) && typeof head.n === 'number' ? [head.n] : [];
    }),
  );

const lesson: LessonDefinition = {
  formatVersion: 1,
  title: 'TOP',
  summary: 'Headers only, or the first lines of a body: deciding what to download before downloading it',
  rfc: ['RFC 1939 §7', 'RFC 2449 §6.1'],
  start: { mailboxes: { alice: MAILBOX } },
  goals: [
    {
      id: 'raw-top-zero',
      text: 'By hand in raw mode, log in and send `TOP 1 0`: the header section alone',
      check: (f) =>
        f.repl.rawLines.some((l) => /^TOP \d+ 0$/.test(l)) && f.exchanges('TOP').some((x) => x.command.args[1] === '0' && x.reply.status === '+OK') ? { met: true } : notTypedInRaw(f, 'TOP'),
      hints: [
        '`TOP msg n` sends the header, the blank line, and the first n lines of the body (RFC 1939 §7). With n = 0: the header alone.',
        '`.raw`, `USER alice`, `PASS wonderland`, then `TOP 1 0`.',
      ],
    },
    {
      id: 'raw-top-lines',
      text: 'Then, still by hand, ask for the first lines of the body too: `TOP 1 3`',
      check: (f) =>
        f.repl.rawLines.some((l) => /^TOP \d+ [1-9]\d*$/.test(l)) && f.exchanges('TOP').some((x) => x.command.args[1] !== '0' && x.reply.status === '+OK')
          ? { met: true }
          : notTypedInRaw(f, 'TOP'),
      hints: ['Same command, a larger second argument: `TOP 1 3`. Then `QUIT`, to free the maildrop for the client.'],
    },
    {
      id: 'client-heads',
      text: 'With the client, fetch the header of every message: `pop.top(n, 0)` for each `n` that `pop.list()` gives',
      check: (f) => {
        const heads = new Set(f.calls('top').filter((c) => c.ok && c.args[1] === 0).map((c) => c.args[0]));
        return verdict(heads.size >= MAILBOX.length && toppedUids(f).size >= MAILBOX.length, `the client has fetched ${heads.size} of the ${MAILBOX.length} headers`);
      },
      hints: [
        '`pop.list()` gives every message-number; `pop.top(n, 0)` resolves to a `Pop3Message` holding just the header.',
        '`const scans = await pop.list()`, then `const heads = await Promise.all(scans.map(({ n }) => pop.top(n, 0)))`: the client sends the TOPs back to back and matches the replies in order.',
      ],
    },
    {
      id: 'content-type',
      text: 'Find the messages with attachments by their `Content-Type`: `multipart/mixed`',
      check: (f) => {
        const mixed = mixedNumbers(f);
        // The header value itself, or just the messages that have it (their heads or their numbers).
        const mixedHead = (x: unknown): boolean => isRecord(x) && typeof x.n === 'number' && typeof x.header === 'function' && mixed.has(x.n);
        const onlyMixed = (v: unknown): boolean => Array.isArray(v) && v.length > 0 && v.every((x) => (typeof x === 'number' ? mixed.has(x) : mixedHead(x)));
        const found = f.saw(isMixed) || f.saw(onlyMixed) || f.saw(mixedHead);
        return verdict(found, 'no `multipart/mixed` Content-Type (or the heads that have it) has been shown yet', mixed.size > 0 ? 'heads of multipart messages were fetched' : undefined);
      },
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
        const big = retrievedSeed(f, 'big-attachment').length > 0;
        return verdict(small.some((e) => (e.uids ?? []).some((uid) => looked.has(uid))) && !big, big ? 'the big one was downloaded too (`.reset` to try again)' : 'the small attachment message has not been retrieved after reading its head');
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
    { goal: 'raw-top-zero', lines: ['.raw', 'USER alice', 'PASS wonderland', 'TOP 1 0'] },
    { goal: 'raw-top-lines', lines: ['TOP 1 3', 'QUIT'] },
    {
      goal: 'client-heads',
      lines: ['let pop = await connect(sandbox)', "await pop.user('alice')", "await pop.pass('wonderland')", 'const scans = await pop.list()', 'const heads = await Promise.all(scans.map(({ n }) => pop.top(n, 0)))'],
    },
    { goal: 'content-type', lines: ["heads.map((head, i) => ({ n: head.n, size: scans[i]!.size, type: head.header('content-type')?.split(';')[0] }))"] },
    {
      goal: 'small-one-only',
      lines: ["const wanted = heads.filter((head, i) => head.header('content-type')?.startsWith('multipart/mixed') && scans[i]!.size < 100_000)", 'await pop.retr(wanted[0]!.n!)', 'await pop.quit()'],
    },
  ],
};

export default lesson;
