import type { Facts, LessonDefinition } from '../../src/tutor';
import { isRecord, loginLines, maildropInUse, notLoggedIn, notTypedInRaw, sawResult, verdict } from '../common';

/** The mailbox this lesson starts from: a welcome, a three-message thread and a notice. */
const MAILBOX = ['welcome', 'thread-question', 'thread-reply', 'thread-followup', 'shipping-notice'];

/** A Set from any realm (the REPL's values live in their own vm context, with their own `Set`). */
const isSet = (v: unknown): v is Set<unknown> => Object.prototype.toString.call(v) === '[object Set]';
const isUidEntry = (v: unknown): v is { n: number; uid: string } => isRecord(v) && typeof v.n === 'number' && typeof v.uid === 'string';
/** What fetchNew resolves to. */
const isSyncResult = (v: unknown): v is { fetched: unknown[]; vanished: unknown[]; duplicates: unknown[] } =>
  isRecord(v) && Array.isArray(v.fetched) && Array.isArray(v.vanished) && Array.isArray(v.duplicates);

/** Unique-ids of messages retrieved (or their heads read) in this visit, from the server's replies. */
const retrievedUids = (f: Facts): Set<string> => new Set(['RETR', 'TOP'].flatMap((k) => f.replies(k).filter((e) => e.status === '+OK').flatMap((e) => e.uids ?? [])));

/** The items of a collection of unique-id strings (a Set or an array), or undefined for anything else. */
const uidCollection = (v: unknown): string[] | undefined => {
  const items = isSet(v) ? [...v] : Array.isArray(v) ? v : undefined;
  return items && items.length > 0 && items.every((x) => typeof x === 'string') ? (items as string[]) : undefined;
};

/**
 * Every (message-number, unique-id) pair the learner saw: unique-id listings the client gave
 * and were shown, and `UIDL n` typed in raw mode (printed there). Two numbers for one uid
 * mean two sessions, with a deletion between them.
 */
function sightings(f: Facts): { n: number; uid: string }[] {
  const out: { n: number; uid: string }[] = [];
  for (const c of f.calls('uidl')) {
    if (!c.ok || !f.sawValue(c.value, c.seq)) continue;
    for (const e of Array.isArray(c.value) ? c.value : [c.value]) if (isUidEntry(e)) out.push({ n: e.n, uid: e.uid });
  }
  const typed = new Set(f.repl.rawLines);
  for (const { command, reply } of f.exchanges('UIDL')) {
    const [n, uid] = reply.text.split(' ').slice(1);
    if (command.args.length === 1 && reply.status === '+OK' && uid !== undefined && typed.has(`UIDL ${command.args[0]}`)) out.push({ n: Number(n), uid });
  }
  return out;
}

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
      text: 'By hand in raw mode, log in and send `UIDL`, then `UIDL 2`',
      check: (f) => {
        const typed = f.repl.rawLines;
        const ok = f.exchanges('UIDL').filter((x) => x.reply.status === '+OK');
        const met = typed.includes('UIDL') && typed.some((l) => /^UIDL \d+$/.test(l)) && ok.some((x) => x.command.args.length === 0) && ok.some((x) => x.command.args.length === 1);
        return met ? { met } : typed.some((l) => l.startsWith('UIDL')) ? verdict(false, 'both are needed: `UIDL` and `UIDL 2`, each answered +OK', 'UIDL was typed') : notTypedInRaw(f, 'UIDL');
      },
      hints: [
        'UIDL is shaped like LIST (RFC 1939 §7): without an argument a multi-line unique-id listing, with a message-number one line.',
        '`.raw`, `USER alice`, `PASS wonderland`, `UIDL`, `UIDL 2`, then `QUIT`.',
      ],
    },
    {
      id: 'remember-seen',
      text: 'With the client, retrieve some messages, keep their unique-ids in a `Set` (say `seen`), and look at it',
      check: (f) => {
        const retrieved = retrievedUids(f);
        const kept = f.saw((v) => uidCollection(v)?.every((uid) => retrieved.has(uid)) === true);
        return verdict(kept, retrieved.size > 0 ? 'no collection of their unique-ids has been shown yet' : 'no message has been retrieved yet', retrieved.size > 0 ? `${retrieved.size} message(s) were retrieved` : undefined);
      },
      hints: [
        '`await pop.uidl()` gives `{ n, uid }` for every message. The number is for this session; the uid is for good.',
        '`const seen = new Set<string>()`, then for each message you retrieve, `seen.add(uid)`; type `seen` to look at it. The lesson text has a loop that fetches the first three.',
      ],
    },
    {
      id: 'numbers-shift',
      text: 'Delete message 1 in another session and QUIT; connect again and see the same unique-id under a new number',
      check: (f) => {
        const byUid = new Map<string, Set<number>>();
        for (const s of sightings(f)) byUid.set(s.uid, (byUid.get(s.uid) ?? new Set()).add(s.n));
        const shifted = [...byUid.values()].some((numbers) => numbers.size > 1);
        return verdict(shifted, removedUids(f).size > 0 ? 'no unique-id has been shown under its new number yet: look at `await pop.uidl()` again' : 'no message has been deleted yet (DELE, then QUIT)', removedUids(f).size > 0 ? 'a message was deleted' : undefined);
      },
      hints: [
        'Message-numbers are given out at login, 1 to the count, and last one session (RFC 1939 §4). Once message 1 is really gone, every later message moves up one.',
        'Quit your session, then: `const phone = await login()`, `await phone.dele(1)`, `await phone.quit()`. Connect again and `await pop.uidl()`: compare with the listing you kept.',
      ],
    },
    {
      id: 'fetch-new',
      text: 'Reconnect and fetch only what `seen` does not hold: `const result = await fetchNew(pop, { seen })`, and look at what it fetched',
      check: (f) => {
        const withSeen = (c: { args: readonly unknown[]; value: unknown }): boolean => {
          const options = c.args[1];
          const seen = isRecord(options) ? options.seen : undefined;
          return (isSet(seen) ? seen.size : Array.isArray(seen) ? seen.length : 0) > 0 && isSyncResult(c.value) && c.value.fetched.length > 0;
        };
        const called = f.calls('fetchNew');
        if (called.length > 0 && !called.some((c) => c.ok && withSeen(c))) return verdict(false, 'give it the unique-ids you have seen: `fetchNew(pop, { seen })`', '`fetchNew` was called');
        return sawResult(f, 'fetchNew', '`fetchNew(pop, { seen })`', withSeen);
      },
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
        const results = f.calls('fetchNew').filter((c) => c.ok && isSyncResult(c.value) && c.value.vanished.length > 0);
        const met = results.some((c) => f.sawValue((c.value as { vanished: unknown[] }).vanished, c.seq)) || f.saw((v) => typeof v === 'string' && removed.has(v));
        return verdict(met, results.length > 0 ? '`result.vanished` has not been shown yet' : 'no `fetchNew` result with a vanished unique-id yet', results.length > 0 ? '`fetchNew` found one' : undefined);
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
      goal: 'remember-seen',
      when: (f) => f.saw((v) => isSet(v) && [...v].some(isUidEntry)),
      hint: 'The Set holds `{ n, uid }` objects, and two objects are never equal, so nothing would ever count as seen. Keep the uid strings: `new Set(listing.map((entry) => entry.uid))`.',
      example: [...loginLines(), 'const seen = new Set(await pop.uidl())', 'seen'],
    },
    {
      id: 'deleted-without-quit',
      goal: 'numbers-shift',
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
    { goal: 'raw-uidl', lines: ['.raw', 'USER alice', 'PASS wonderland', 'UIDL', 'UIDL 2', 'QUIT'] },
    {
      goal: 'remember-seen',
      lines: [
        "const login = async () => { const c = await connect(sandbox); await c.user('alice'); await c.pass('wonderland'); return c }",
        'let pop = await login()',
        'const listing = await pop.uidl()',
        'listing',
        'const seen = new Set<string>()',
        'for (const { n, uid } of listing.slice(0, 3)) { await pop.retr(n); seen.add(uid) }',
        'seen',
        'await pop.quit()',
      ],
    },
    { goal: 'numbers-shift', lines: ['const phone = await login()', 'await phone.dele(1)', 'await phone.quit()', 'pop = await login()', 'await pop.uidl()'] },
    { goal: 'fetch-new', lines: ['const result = await fetchNew(pop, { seen })', 'result.fetched.map(({ n, uid, message }) => ({ n, uid, subject: message.subject }))'] },
    { goal: 'vanished', lines: ['result.vanished', 'await pop.quit()'] },
  ],
};

export default lesson;
