import type { Facts, LessonDefinition } from '../../src/tutor';
import { isRecord, loginLines, maildropInUse, noSuchMessage, notLoggedIn, notTypedInRaw, retrievedSeed, sawResult, typedInRaw, verdict } from '../common';

/** The mailbox this lesson starts from; message 3 is stored with bare LF line ends. */
const MAILBOX = ['welcome', 'newsletter-alternative', 'bare-lf', 'report-attachment', 'thread-question'];

/** `LIST n` answered +OK: the message's size from the one-line scan listing. */
const singleListSizes = (f: Facts): number[] =>
  f.exchanges('LIST')
    .filter((x) => x.command.args.length === 1 && x.reply.status === '+OK')
    .map((x) => Number(x.reply.text.split(' ')[2]));

/** A scan listing, or a listing of them, or a message, that gives `size`. */
const givesSize = (v: unknown, size: number): boolean =>
  (isRecord(v) && v.size === size) || (Array.isArray(v) && v.some((x) => isRecord(x) && x.size === size));

const lesson: LessonDefinition = {
  formatVersion: 1,
  title: 'STAT and LIST',
  summary: 'How many messages, how big: drop listings and scan listings, one-line and multi-line replies',
  rfc: ['RFC 1939 §3', 'RFC 1939 §5', 'RFC 1939 §11'],
  start: { mailboxes: { alice: MAILBOX } },
  goals: [
    {
      id: 'raw-stat',
      text: 'By hand: type `.raw`, log in with `USER alice` and `PASS wonderland`, then send `STAT`',
      check: (f) => (typedInRaw(f, 'STAT') > 0 && f.replies('STAT').some((e) => e.status === '+OK') ? { met: true } : typedInRaw(f, 'STAT') > 0 ? verdict(false, 'STAT was refused: log in first') : notTypedInRaw(f, 'STAT')),
      hints: [
        'STAT works only once you are logged in, in the TRANSACTION state (RFC 1939 §5).',
        'In raw mode: `USER alice`, `PASS wonderland`, then `STAT`. The answer is `+OK`, the number of messages and their total size in octets.',
      ],
    },
    {
      id: 'raw-list',
      text: 'Still by hand in raw mode, compare `LIST` (many lines, ending with `.`) and `LIST 3` (one line)',
      check: (f) => {
        const typed = f.repl.rawLines;
        const ok = f.exchanges('LIST').filter((x) => x.reply.status === '+OK');
        const met = typed.includes('LIST') && typed.some((l) => /^LIST \d+$/.test(l)) && ok.some((x) => x.command.args.length === 0) && ok.some((x) => x.command.args.length === 1);
        if (met) return { met };
        if (typedInRaw(f, 'LIST') === 0) return notTypedInRaw(f, 'LIST');
        return verdict(false, 'both are needed: `LIST` without an argument and `LIST 3`, each answered +OK', 'LIST was typed');
      },
      hints: [
        '`LIST` without an argument answers with a scan listing of every message, one line each, and a lone `.` at the end. With a message-number it answers on the status line alone.',
        'Type `LIST`, then `LIST 3`. Then `QUIT` to leave raw mode and release the maildrop.',
      ],
    },
    {
      id: 'client-stat',
      text: 'With the client, log in and look at `await pop.stat()`',
      check: (f) => sawResult(f, 'stat', '`pop.stat()`'),
      hints: [
        '`const pop = await connect(sandbox)`, `await pop.user("alice")`, `await pop.pass("wonderland")`.',
        'Then `await pop.stat()`: the client parses the drop listing into `{ count, size }`.',
      ],
    },
    {
      id: 'client-list',
      text: 'Look at `await pop.list()` (every message) and `await pop.list(3)` (one)',
      check: (f) => {
        const all = sawResult(f, 'list', '`pop.list()`', (c) => c.args[0] === undefined);
        const one = sawResult(f, 'list', '`pop.list(n)`', (c) => typeof c.args[0] === 'number');
        if (all.met && one.met) return { met: true };
        return all.met ? one : all;
      },
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
        const retrieved = retrievedSeed(f, 'bare-lf').length > 0;
        const lists = f.calls('list').filter((c) => c.ok && givesSize(c.value, size));
        const listed = singleListSizes(f).includes(size) || lists.length > 0;
        const retrs = f.calls('retr').filter((c) => c.ok && givesSize(c.value, size));
        // Looking at either size, or at anything once both were asked (a comparison: `true`).
        const last = Math.max(...[...lists, ...retrs].map((c) => c.seq), -1);
        const looked = f.saw((v, c) => (c?.call === 'list' || c?.call === 'retr') && c.ok && givesSize(v, size)) || (lists.length > 0 && retrs.length > 0 && f.shown.some((s) => s.seq > last));
        if (retrieved && listed && (looked || typedInRaw(f, 'RETR') > 0)) return { met: true };
        if (!listed) return verdict(false, 'the scan listing of message 3 has not been asked for yet (`LIST 3`)', retrieved ? 'message 3 was retrieved' : undefined);
        if (!retrieved) return verdict(false, 'message 3 has not been retrieved yet (`RETR 3`)', 'its scan listing was asked for');
        return verdict(false, 'neither size has been shown yet: compare `msg.size` with the scan listing\'s size', 'LIST 3 and RETR 3 were sent');
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
    { goal: 'raw-stat', lines: ['.raw', 'USER alice', 'PASS wonderland', 'STAT'] },
    { goal: 'raw-list', lines: ['LIST', 'LIST 3', 'QUIT'] },
    { goal: 'client-stat', lines: ['let pop = await connect(sandbox)', "await pop.user('alice')", "await pop.pass('wonderland')", 'await pop.stat()'] },
    { goal: 'client-list', lines: ['await pop.list()', 'await pop.list(3)'] },
    { goal: 'crlf-size', lines: ['const msg = await pop.retr(3)', 'msg.size', 'await pop.quit()'] },
  ],
};

export default lesson;
