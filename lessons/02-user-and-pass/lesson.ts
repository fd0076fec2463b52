import type { Facts, LessonDefinition } from '../../src/tutor';
import { loginLines } from '../common';

/** Successful logins: a PASS answered +OK that moved a session into TRANSACTION (RFC 1939 §4). */
const logins = (f: Facts, user?: string): number =>
  f.replies('PASS').filter((e) => e.status === '+OK' && e.stateAfter === 'TRANSACTION' && (user === undefined || e.user === user)).length;

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
      check: (f) => f.replies('PASS').some((e) => e.status === '-ERR'),
      hints: [
        'Connect, send `USER alice`, then a `PASS` with any password but the right one.',
        'In code: `const pop = await connect(sandbox)`, `await pop.user("alice")`, `await pop.pass("rabbit")`.',
      ],
    },
    {
      id: 'logged-in',
      text: 'Log in as alice (`USER`, then `PASS wonderland`) and reach TRANSACTION',
      check: (f) =>
        f.sessions().some((s) => {
          const i = s.entries.findIndex((e) => e.direction === 'S' && e.keyword === 'PASS' && e.status === '+OK' && e.stateAfter === 'TRANSACTION');
          const before = s.entries.slice(0, i).filter((e) => e.direction === 'C');
          return i >= 0 && s.entries[i]?.user === 'alice' && before[before.length - 1]?.keyword === 'PASS' && before[before.length - 2]?.keyword === 'USER';
        }),
      hints: [
        'After a `-ERR` to PASS, start again with USER: PASS is only accepted right after a successful USER (RFC 1939 §7).',
        '`await pop.user("alice")` and then `await pop.pass("wonderland")`; `pop.state` then says TRANSACTION.',
      ],
    },
    {
      id: 'trace-login',
      text: 'Type `.trace on`, then log in once more and find `PASS` in the trace',
      check: (f) => f.repl.trace && logins(f) >= 2,
      hints: [
        'Only one session may hold a maildrop (RFC 1939 §4): `await pop.quit()` first, then connect again.',
        '`.trace on`, then `const again = await connect(sandbox)`, `await again.user("alice")`, `await again.pass("wonderland")`.',
      ],
    },
    {
      id: 'quit',
      text: 'End a logged-in session politely: `await pop.quit()`',
      check: (f) => f.replies('QUIT').some((e) => e.status === '+OK' && e.stateBefore === 'TRANSACTION'),
      hints: ['QUIT in TRANSACTION moves the session to UPDATE, where the server commits any deletions and releases the lock (RFC 1939 §6).'],
    },
  ],
  mistakes: [
    {
      id: 'pass-without-user',
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
    'const pop = await connect(sandbox)',
    "await pop.user('alice')",
    "await pop.pass('rabbit')",
    "await pop.user('alice')",
    "await pop.pass('wonderland')",
    'pop.state',
    'await pop.quit()',
    '.trace on',
    'const again = await connect(sandbox)',
    "await again.user('alice')",
    "await again.pass('wonderland')",
    'await again.quit()',
  ],
};

export default lesson;
