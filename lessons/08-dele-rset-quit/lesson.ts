import type { Exchange, Facts, LessonDefinition, SessionFacts } from '../../src/tutor';
import { isRecord, loginLines, maildropInUse, notLoggedIn, typedInRaw, verdict } from '../common';

/** The mailbox this lesson starts from (5 messages; message 2 is a newsletter nobody will miss). */
const MAILBOX = ['welcome', 'newsletter-alternative', 'thread-question', 'thread-reply', 'shipping-notice'];

const ok = (x: Exchange): boolean => x.reply.status === '+OK';

/** Message-numbers marked in a session and not unmarked since, just before exchange `upTo`. */
function markedBefore(list: readonly Exchange[], upTo: number): Set<string> {
  const marked = new Set<string>();
  for (const x of list.slice(0, upTo)) {
    if (x.command.keyword === 'DELE' && ok(x)) marked.add(x.command.args[0] ?? '');
    if (x.command.keyword === 'RSET' && ok(x)) marked.clear();
  }
  return marked;
}

/** True when the session entered UPDATE (QUIT in TRANSACTION, RFC 1939 §6). */
const updated = (s: SessionFacts): boolean => s.entries.some((e) => e.direction === '*' && e.keyword === 'UPDATE');

/** Sessions that marked a message and ended without UPDATE: nothing was deleted. */
const droppedWithMarks = (f: Facts): SessionFacts[] =>
  f.sessions().filter((s) => s.state === 'CLOSED' && !updated(s) && s.exchanges.some((x) => x.command.keyword === 'DELE' && ok(x)));

/**
 * Each session that marked messages and ended without QUIT, with whether a later session showed
 * them still there: on the wire (STAT's or LIST's count, a reply naming a marked uid), or in a
 * client result the learner saw (a count, a listing of that length, a unique-id listing with it).
 */
function stillThere(f: Facts): { onWire: boolean; seen: boolean }[] {
  const sessions = f.sessions();
  const dropped = new Set(droppedWithMarks(f).map((s) => s.session));
  return sessions.flatMap((a, i) => {
    if (!dropped.has(a.session)) return [];
    const marked = a.exchanges.filter((x) => x.command.keyword === 'DELE' && ok(x)).flatMap((x) => x.reply.uids ?? []);
    const closedAt = a.entries[a.entries.length - 1]?.time ?? 0;
    const expected = MAILBOX.length - removedBefore(sessions, i + 1).size;
    const count = (x: Exchange): number => Number(/^\+OK (\d+)/.exec(x.reply.text)?.[1] ?? NaN);
    const onWire = sessions.slice(i + 1).some((b) =>
      b.exchanges.some(
        (x) =>
          ok(x) &&
          (((x.command.keyword === 'STAT' || (x.command.keyword === 'LIST' && x.command.args.length === 0)) && count(x) === expected) ||
            (x.reply.uids ?? []).some((u) => marked.includes(u)) ||
            (x.command.keyword === 'UIDL' && marked.some((u) => x.reply.text.split(' ').includes(u)))),
      ),
    );
    const shows = (v: unknown): boolean =>
      (Array.isArray(v) && (v.length === expected || v.some((e) => isRecord(e) && typeof e.uid === 'string' && marked.includes(e.uid)))) || (isRecord(v) && v.count === expected);
    const seen = f.calls().some((c) => c.ok && (c.time ?? 0) > closedAt && ['stat', 'list', 'uidl'].includes(c.call) && shows(c.value) && f.sawValue(c.value, c.seq));
    return [{ onWire, seen }];
  });
}

/** Unique-ids removed by UPDATE in sessions before index `before` (all when omitted). */
function removedBefore(sessions: SessionFacts[], before = sessions.length): Set<string> {
  return new Set(sessions.slice(0, before).flatMap((s) => s.entries.filter((e) => e.keyword === 'UPDATE').flatMap((e) => e.uids ?? [])));
}

const lesson: LessonDefinition = {
  formatVersion: 1,
  title: 'DELE, RSET and QUIT',
  summary: 'Marking for deletion, changing your mind, and why nothing is deleted until QUIT',
  rfc: ['RFC 1939 §5', 'RFC 1939 §6'],
  start: { mailboxes: { alice: MAILBOX } },
  goals: [
    {
      id: 'marked',
      text: 'By hand in raw mode, log in, `DELE 2`, then `STAT` and `LIST`: message 2 is left out, message 3 keeps its number',
      check: (f) => {
        const typed = typedInRaw(f, 'DELE') > 0;
        const listed = f.sessions().some((s) => {
          const list = s.exchanges;
          return list.some((x, i) => (x.command.keyword === 'STAT' || x.command.keyword === 'LIST') && ok(x) && markedBefore(list, i).size > 0);
        });
        return verdict(
          typed && listed,
          typed ? 'STAT or LIST has not been sent after the DELE yet' : 'this goal asks for DELE typed by hand: type `.raw`, log in, then `DELE 2`',
          !typed && f.commands('DELE').length > 0 ? 'DELE was sent by the client, not typed in raw mode' : undefined,
        );
      },
      hints: [
        'DELE only marks the message (RFC 1939 §5). STAT and LIST then leave it out, but no other message changes its number.',
        '`.raw`, `USER alice`, `PASS wonderland`, `DELE 2`, `STAT`, `LIST`.',
      ],
    },
    {
      id: 'retr-deleted',
      text: 'Still in that session, `RETR 2`: a marked message cannot be retrieved',
      check: (f) =>
        verdict(
          f.sessions().some((s) => {
            const list = s.exchanges;
            return list.some((x, i) => (x.command.keyword === 'RETR' || x.command.keyword === 'TOP') && x.reply.status === '-ERR' && markedBefore(list, i).has(x.command.args[0] ?? ''));
          }),
          'no marked message has been asked for with RETR in the session that marked it',
        ),
      hints: ['Any command that names a marked message gets `-ERR` (RFC 1939 §5). Type `RETR 2`.'],
    },
    {
      id: 'rset',
      text: 'Change your mind: `RSET`, then `STAT` counts message 2 again; `QUIT`',
      check: (f) =>
        verdict(
          f.sessions().some((s) => {
            const list = s.exchanges;
            return list.some((x, i) => x.command.keyword === 'RSET' && ok(x) && markedBefore(list, i).size > 0);
          }),
          'no RSET has unmarked a marked message yet',
        ),
      hints: [
        'RSET unmarks every message marked in this session (RFC 1939 §5).',
        'Type `RSET`, then `STAT`, then `QUIT`: the server says how many messages are left, all of them.',
      ],
    },
    {
      id: 'drop-keeps',
      text: 'With the client, `DELE 2` then `pop.close()` without QUIT; log in again: the message is still there',
      check: (f) => {
        const drops = stillThere(f);
        if (drops.length === 0) return verdict(false, 'no session has marked a message and ended without QUIT yet (`pop.close()`)');
        // What a later session said must have reached the learner: printed in raw mode, or a result shown.
        const onWire = drops.some((d) => d.onWire);
        const looked = ['STAT', 'LIST', 'UIDL', 'RETR', 'TOP'].some((k) => typedInRaw(f, k) > 0) || f.saw((_, c) => c !== undefined && c.ok && ['stat', 'list', 'uidl', 'retr', 'top'].includes(c.call));
        if ((onWire && looked) || drops.some((d) => d.seen)) return { met: true };
        return verdict(false, onWire ? 'what the new session found has not been shown yet: look at `await pop.stat()`' : 'no later session has looked for the message yet: log in again and `await pop.stat()`', 'a session marked a message and ended without QUIT');
      },
      hints: [
        'A session that ends any other way than QUIT never enters UPDATE, and the server must not remove anything (RFC 1939 §6). `pop.close()` hangs up without QUIT, like a dropped line.',
        '`let pop = await login()`, `await pop.dele(2)`, `pop.close()`, then `pop = await login()` and `await pop.stat()`: still 5.',
      ],
    },
    {
      id: 'commit',
      text: 'Now delete for good: `DELE 2`, then `await pop.quit()`',
      check: (f) =>
        verdict(f.sessions().some((s) => updated(s) && removedBefore([s]).size > 0 && s.exchanges.some((x) => x.command.keyword === 'QUIT' && ok(x))), 'no session has removed a message with QUIT yet'),
      hints: [
        'QUIT in the TRANSACTION state moves the session to UPDATE: the server removes the marked messages, then answers (RFC 1939 §6).',
        '`await pop.dele(2)`, then `await pop.quit()`: the reply counts the messages left.',
      ],
    },
  ],
  mistakes: [
    {
      id: 'numbers-do-not-shift',
      when: (f) => f.replies('DELE').some((e) => e.status === '-ERR' && /already deleted/.test(e.text)),
      hint: 'That message is already marked. Numbers do not move up after DELE: message 3 stays message 3 for the whole session (RFC 1939 §5), so "the next one" is still `DELE 3`.',
      example: [...loginLines(), 'await pop.dele(2)', 'await pop.dele(2)'],
    },
    {
      id: 'forgot-quit',
      goal: 'commit',
      when: (f) => droppedWithMarks(f).length >= 2,
      hint: 'Again a session marked messages and ended without QUIT, so nothing was deleted (RFC 1939 §6). To delete for good, finish with `await pop.quit()` and wait for its `+OK`.',
      example: [
        "const login = async () => { const c = await connect(sandbox); await c.user('alice'); await c.pass('wonderland'); return c }",
        'let pop = await login()',
        'await pop.dele(2)',
        'pop.close()',
        'pop = await login()',
        'await pop.dele(2)',
        'pop.close()',
        'pop.state',
      ],
    },
    notLoggedIn(
      ['DELE', 'RSET'],
      'DELE and RSET work only after login, in the TRANSACTION state (RFC 1939 §5): `USER alice` and `PASS wonderland` first.',
      ['const pop = await connect(sandbox)', 'await pop.dele(2)'],
    ),
    maildropInUse(
      'Another session still holds the maildrop (RFC 1939 §4): `QUIT` it (or `pop.close()` it) before the next one logs in. `.reset` closes every session.',
    ),
  ],
  solution: [
    { goal: 'marked', lines: ['.raw', 'USER alice', 'PASS wonderland', 'DELE 2', 'STAT', 'LIST'] },
    { goal: 'retr-deleted', lines: ['RETR 2'] },
    { goal: 'rset', lines: ['RSET', 'STAT', 'QUIT'] },
    {
      goal: 'drop-keeps',
      lines: [
        "const login = async () => { const c = await connect(sandbox); await c.user('alice'); await c.pass('wonderland'); return c }",
        'let pop = await login()',
        'await pop.dele(2)',
        'pop.close()',
        'pop = await login()',
        'await pop.stat()',
      ],
    },
    { goal: 'commit', lines: ['await pop.dele(2)', 'await pop.quit()'] },
  ],
};

export default lesson;
