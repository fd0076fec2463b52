import type { Facts, LessonDefinition } from '../../src/tutor';
import { isRecord, loginLines, maildropInUse, notLoggedIn } from '../common';

/** The mailbox this lesson starts from: a welcome, a three-message thread and a notice. */
const MAILBOX = ['welcome', 'thread-question', 'thread-reply', 'thread-followup', 'shipping-notice'];

/** A Set from any realm (the REPL's values live in their own vm context, with their own `Set`). */
const isSet = (v: unknown): v is Set<unknown> => Object.prototype.toString.call(v) === '[object Set]';
const isUidEntry = (v: unknown): v is { n: number; uid: string } => isRecord(v) && typeof v.n === 'number' && typeof v.uid === 'string';
/** What fetchNew resolves to. */
const isSyncResult = (v: unknown): v is { fetched: unknown[]; vanished: unknown[]; duplicates: unknown[] } =>
  isRecord(v) && Array.isArray(v.fetched) && Array.isArray(v.vanished) && Array.isArray(v.duplicates);

/** Values the learner produced, plus the names this lesson uses for them. */
const valuesAndNames = (f: Facts): unknown[] => [...f.values, f.variable('seen'), f.variable('result'), f.variable('listing')];

/**
 * Every (session, message-number, unique-id) triple the learner saw: from RETR/TOP/DELE replies
 * and `UIDL n` replies in the log, and from unique-id listings evaluated at the prompt.
 */
function sightings(f: Facts): { session: string; n: number; uid: string }[] {
  const out: { session: string; n: number; uid: string }[] = [];
  for (const keyword of ['RETR', 'TOP', 'DELE']) {
    for (const { command, reply } of f.exchanges(keyword)) {
      const uid = reply.uids?.[0];
      if (reply.status === '+OK' && uid !== undefined) out.push({ session: reply.session, n: Number(command.args[0]), uid });
    }
  }
  for (const { command, reply } of f.exchanges('UIDL')) {
    const [n, uid] = reply.text.split(' ').slice(1);
    if (command.args.length === 1 && reply.status === '+OK' && uid !== undefined) out.push({ session: reply.session, n: Number(n), uid });
  }
  // A listing evaluated at the prompt belongs to a session we cannot name: mark each listing apart.
  f.values.forEach((v, i) => {
    if (Array.isArray(v) && v.length > 0 && v.every(isUidEntry)) for (const e of v) out.push({ session: `value-${i}`, n: e.n, uid: e.uid });
  });
  return out;
}

const knownUids = (f: Facts): Set<string> => new Set(sightings(f).map((s) => s.uid));

/** A Set (or array) of unique-id strings the learner keeps, e.g. `seen`. */
const seenSets = (f: Facts): Set<string>[] =>
  valuesAndNames(f).flatMap((v) => {
    const items = isSet(v) ? [...v] : [];
    return items.length > 0 && items.every((x) => typeof x === 'string') ? [new Set(items as string[])] : [];
  });

/** Unique-ids that UPDATE removed (RFC 1939 §6). */
const removedUids = (f: Facts): Set<string> => new Set(f.events('UPDATE').flatMap((e) => e.uids ?? []));

const lesson: LessonDefinition = {
  formatVersion: 1,
  title: 'UIDL: leaving mail on the server',
  summary: 'Unique-ids that outlive the session, and fetching only what is new',
  rfc: ['RFC 1939 §4', 'RFC 1939 §7'],
  start: { mailboxes: { alice: MAILBOX } },
  scope: [{ name: 'fetchNew', clientExport: 'fetchNew' }],
  goals: [
    {
      id: 'raw-uidl',
      text: 'In raw mode, log in and send `UIDL`, then `UIDL 2`',
      check: (f) => {
        const typed = f.repl.rawLines;
        const ok = f.exchanges('UIDL').filter((x) => x.reply.status === '+OK');
        return typed.includes('UIDL') && typed.some((l) => /^UIDL \d+$/.test(l)) && ok.some((x) => x.command.args.length === 0) && ok.some((x) => x.command.args.length === 1);
      },
      hints: [
        'UIDL is shaped like LIST (RFC 1939 §7): without an argument a multi-line unique-id listing, with a message-number one line.',
        '`.raw`, `USER alice`, `PASS wonderland`, `UIDL`, `UIDL 2`, then `QUIT`.',
      ],
    },
    {
      id: 'remember-seen',
      text: 'With the client, retrieve some messages and remember their unique-ids in a `Set` called `seen`',
      check: (f) => {
        const known = knownUids(f);
        return seenSets(f).some((set) => [...set].every((uid) => known.has(uid)));
      },
      hints: [
        '`await pop.uidl()` gives `{ n, uid }` for every message. The number is for this session; the uid is for good.',
        '`const seen = new Set<string>()`, then for each message you retrieve, `seen.add(uid)`. The lesson text has a loop that fetches the first three.',
      ],
    },
    {
      id: 'numbers-shift',
      text: 'Delete message 1 in another session and QUIT; connect again and see the same unique-id under a new number',
      check: (f) => {
        const byUid = new Map<string, { session: string; n: number }[]>();
        for (const s of sightings(f)) byUid.set(s.uid, [...(byUid.get(s.uid) ?? []), s]);
        return [...byUid.values()].some((list) => list.some((a) => list.some((b) => a.session !== b.session && a.n !== b.n)));
      },
      hints: [
        'Message-numbers are given out at login, 1 to the count, and last one session (RFC 1939 §4). Once message 1 is really gone, every later message moves up one.',
        'Quit your session, then: `const phone = await login()`, `await phone.dele(1)`, `await phone.quit()`. Connect again and `await pop.uidl()`: compare with the listing you kept.',
      ],
    },
    {
      id: 'fetch-new',
      text: 'Reconnect and fetch only what `seen` does not hold: `const result = await fetchNew(pop, { seen })`',
      check: (f) => seenSets(f).length > 0 && valuesAndNames(f).some((v) => isSyncResult(v) && v.fetched.length > 0),
      hints: [
        '`fetchNew` (in scope for this lesson) asks UIDL, skips every unique-id in `seen`, and retrieves the rest.',
        '`pop = await login()`, `const result = await fetchNew(pop, { seen })`, then `result.fetched.map(({ n, uid }) => ({ n, uid }))`.',
      ],
    },
    {
      id: 'vanished',
      text: 'Find the unique-id you had seen that is no longer on the server: `result.vanished`',
      check: (f) => {
        const removed = removedUids(f);
        return f.produced((v) => (isSyncResult(v) && v.vanished.length > 0) || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && removed.has(x))));
      },
      hints: [
        'A message you had seen and that was deleted elsewhere (your phone, in this story) is in `result.vanished`.',
        'Type `result.vanished`. A real client drops those from `seen`, and adds the uids it just fetched.',
      ],
    },
  ],
  mistakes: [
    {
      id: 'uid-as-message-number',
      when: (f) =>
        ['RETR', 'TOP', 'DELE', 'LIST', 'UIDL'].some((k) => f.exchanges(k).some((x) => x.reply.status === '-ERR' && x.command.args[0] !== undefined && !/^\d+$/.test(x.command.args[0]))),
      hint: 'Commands take the message-number of this session, not the unique-id (RFC 1939 §5). Look the uid up in `UIDL` to find its number now.',
      example: ['.raw', 'USER alice', 'PASS wonderland', 'RETR 9f86d081884c7d65', 'QUIT'],
    },
    {
      id: 'objects-in-seen',
      when: (f) => valuesAndNames(f).some((v) => isSet(v) && [...v].some(isUidEntry)),
      hint: 'The Set holds `{ n, uid }` objects, and two objects are never equal, so nothing would ever count as seen. Keep the uid strings: `new Set(listing.map((entry) => entry.uid))`.',
      example: [...loginLines(), 'const seen = new Set(await pop.uidl())', 'seen.size'],
    },
    {
      id: 'deleted-without-quit',
      when: (f) =>
        f.sessions().some((s) => s.entries.some((e) => e.direction === 'S' && e.keyword === 'DELE' && e.status === '+OK') && s.state === 'CLOSED' && !s.entries.some((e) => e.keyword === 'UPDATE')),
      hint: 'That session marked a message for deletion but ended without QUIT, so nothing was deleted (RFC 1939 §6): the numbers did not move. End it with `await phone.quit()`.',
      example: [...loginLines('phone'), 'await phone.dele(1)', 'phone.close()', 'phone.state'],
    },
    notLoggedIn(
      ['UIDL'],
      'UIDL, and so `fetchNew`, works only after login, in the TRANSACTION state (RFC 1939 §7): log in first.',
      ['const pop = await connect(sandbox)', 'await fetchNew(pop, { seen: [] })'],
    ),
    maildropInUse('Another session still holds the maildrop (RFC 1939 §4): `await pop.quit()` it before the next one logs in. `.reset` closes every session.'),
  ],
  solution: [
    '.raw',
    'USER alice',
    'PASS wonderland',
    'UIDL',
    'UIDL 2',
    'QUIT',
    "const login = async () => { const c = await connect(sandbox); await c.user('alice'); await c.pass('wonderland'); return c }",
    'let pop = await login()',
    'const listing = await pop.uidl()',
    'listing',
    'const seen = new Set<string>()',
    'for (const { n, uid } of listing.slice(0, 3)) { await pop.retr(n); seen.add(uid) }',
    'await pop.quit()',
    'const phone = await login()',
    'await phone.dele(1)',
    'await phone.quit()',
    'pop = await login()',
    'await pop.uidl()',
    'const result = await fetchNew(pop, { seen })',
    'result.fetched.map(({ n, uid, message }) => ({ n, uid, subject: message.subject }))',
    'result.vanished',
    'await pop.quit()',
  ],
};

export default lesson;
