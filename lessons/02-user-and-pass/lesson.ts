import type { Facts, LessonDefinition } from '../../src/tutor';
import { isRecord, loginLines, logins, typedInRaw, verdict } from '../common';

/** True when the trace was on at `time` (epoch ms, as transcript entries carry it). */
const traceOnAt = (f: Facts, time: number): boolean => f.repl.traceIntervals.some((i) => i.from <= time && (i.to === undefined || time <= i.to));

/** A refused PASS the learner saw: typed in raw mode (printed there), or the client's error or reply shown. */
const sawRefusedPass = (f: Facts): boolean =>
  typedInRaw(f, 'PASS') > 0 || f.saw((v, c) => (c?.call === 'pass' && !c.ok) || (c?.call === 'send' && isRecord(v) && v.status === '-ERR'));

const lesson: LessonDefinition = {
  formatVersion: 1,
  title: 'USER and PASS',
  summary: 'Logging in, a wrong password, and why cleartext passwords are a risk',
  rfc: ['RFC 1939 §4', 'RFC 1939 §7', 'RFC 1939 §13'],
  start: { mailboxes: { alice: 'seed' } },
  goals: [
    {
      id: 'wrong-password',
      text: 'Try a wrong password and read the `-ERR`',
      check: (f) => {
        const refused = f.replies('PASS').some((e) => e.status === '-ERR');
        return verdict(refused && sawRefusedPass(f), refused ? 'its error was caught and not shown: print it, or let it show' : 'no PASS has been refused yet', refused ? 'a PASS was refused' : undefined);
      },
      hints: [
        'Connect, send `USER alice`, then a `PASS` with any password but the right one.',
        'In code: `const pop = await connect(sandbox)`, `await pop.user("alice")`, `await pop.pass("rabbit")`.',
      ],
    },
    {
      id: 'logged-in',
      text: 'Log in as alice (`USER`, then `PASS wonderland`) and reach TRANSACTION',
      check: (f) =>
        verdict(
          f.sessions().some((s) => {
            const i = s.entries.findIndex((e) => e.direction === 'S' && e.keyword === 'PASS' && e.status === '+OK' && e.stateAfter === 'TRANSACTION');
            const before = s.entries.slice(0, i).filter((e) => e.direction === 'C');
            return i >= 0 && s.entries[i]?.user === 'alice' && before[before.length - 1]?.keyword === 'PASS' && before[before.length - 2]?.keyword === 'USER';
          }),
          'no USER alice and PASS pair has logged in yet',
        ),
      hints: [
        'After a `-ERR` to PASS, start again with USER: PASS is only accepted right after a successful USER (RFC 1939 §7).',
        '`await pop.user("alice")` and then `await pop.pass("wonderland")`; `pop.state` then says TRANSACTION.',
      ],
    },
    {
      id: 'trace-login',
      text: 'Type `.trace on`, then log in once more and find `PASS` in the trace',
      check: (f) => {
        const during = logins(f).some((e) => traceOnAt(f, e.time));
        return verdict(during, f.repl.traceIntervals.length > 0 ? 'no login has happened while the trace was on' : 'the trace has not been switched on yet: `.trace on`', logins(f).length > 0 ? 'you logged in' : undefined);
      },
      hints: [
        'Only one session may hold a maildrop (RFC 1939 §4): `await pop.quit()` first, then connect again.',
        '`.trace on`, then `const again = await connect(sandbox)`, `await again.user("alice")`, `await again.pass("wonderland")`.',
      ],
    },
    {
      id: 'quit',
      text: 'End a logged-in session politely: `await pop.quit()`',
      check: (f) => verdict(f.replies('QUIT').some((e) => e.status === '+OK' && e.stateBefore === 'TRANSACTION'), 'no logged-in session has ended with QUIT yet'),
      hints: ['QUIT in TRANSACTION moves the session to UPDATE, where the server commits any deletions and releases the lock (RFC 1939 §6).'],
    },
  ],
  mistakes: [
    {
      id: 'pass-without-user',
      goal: 'logged-in',
      when: (f) => f.sessions().some((s) => s.keywords.some((k, i) => k === 'PASS' && s.keywords[i - 1] !== 'USER')),
      hint: 'PASS is only accepted right after a successful USER (RFC 1939 §7): send `USER alice` first.',
      example: ['const pop = await connect(sandbox)', "await pop.pass('wonderland')"],
    },
    {
      id: 'maildrop-in-use',
      when: (f) => f.repl.errors.some((e) => e.responseCode === 'IN-USE'),
      hint: 'Your first session still holds the maildrop lock. `await pop.quit()` it, then log in again.',
      example: [...loginLines(), ...loginLines('again')],
    },
  ],
  solution: [
    { goal: 'wrong-password', lines: ['const pop = await connect(sandbox)', "await pop.user('alice')", "await pop.pass('rabbit')"] },
    { goal: 'logged-in', lines: ["await pop.user('alice')", "await pop.pass('wonderland')", 'pop.state'] },
    { goal: 'quit', lines: ['await pop.quit()'] },
    { goal: 'trace-login', lines: ['.trace on', 'const again = await connect(sandbox)', "await again.user('alice')", "await again.pass('wonderland')", 'await again.quit()'] },
  ],
};

export default lesson;
