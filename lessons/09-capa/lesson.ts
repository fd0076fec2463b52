import type { Facts, LessonDefinition } from '../../src/tutor';
import { isRecord, loginLines, notTypedInRaw, sawResult, typedInRaw, typeScriptInRawMode, verdict } from '../common';

/** CAPA answered +OK in this state (RFC 2449 §5: valid in AUTHORIZATION and TRANSACTION). */
const capaOk = (f: Facts, state?: 'AUTHORIZATION' | 'TRANSACTION'): boolean =>
  f.replies('CAPA').some((e) => e.status === '+OK' && (state === undefined || e.stateBefore === state));

/** TOP or UIDL commands: the RFC 1939 §7 optional commands that CAPA announces. */
const isOptionalCommand = (keyword: string): boolean => keyword === 'TOP' || keyword === 'UIDL';

const lesson: LessonDefinition = {
  formatVersion: 1,
  title: 'CAPA',
  summary: 'Discovering what a server offers before using it',
  rfc: ['RFC 2449 §5', 'RFC 2449 §6', 'RFC 5034 §3'],
  start: { mailboxes: { alice: 'seed' } },
  goals: [
    {
      id: 'parsed-list',
      text: 'Read the parsed list with `const caps = await pop.capa()`, then its SASL mechanisms: `caps.sasl`',
      check: (f) => {
        const answered = f.calls('capa').filter((c) => c.ok && isRecord(c.value) && Array.isArray(c.value.sasl));
        if (answered.some((c) => f.sawValue((c.value as { sasl: unknown }).sasl, c.seq))) return { met: true };
        if (answered.length > 0) return verdict(false, 'its SASL mechanisms have not been shown yet: `caps.sasl`', '`pop.capa()` was answered');
        return sawResult(f, 'capa', '`pop.capa()`');
      },
      hints: [
        'Connect first (`const pop = await connect(sandbox)`); CAPA needs no login (RFC 2449 §5).',
        '`const caps = await pop.capa()` keeps the parsed list; type `caps.sasl` to see the mechanism names as an array.',
      ],
    },
    {
      id: 'raw-capa',
      text: 'By hand: type `.raw` and send `CAPA`: one capability per line, then `.`',
      check: (f) => (typedInRaw(f, 'CAPA') > 0 && capaOk(f, 'AUTHORIZATION') ? { met: true } : notTypedInRaw(f, 'CAPA')),
      hints: [
        '`.raw` opens a connection you type into; `CAPA` is the whole command.',
        'Each line of the reply is one capability; the lone `.` ends the list (RFC 1939 §3).',
      ],
    },
    {
      id: 'capa-after-login',
      text: 'Log in as alice and send `CAPA` again: compare it with the list before login',
      check: (f) => {
        const before = capaOk(f, 'AUTHORIZATION');
        const after = capaOk(f, 'TRANSACTION');
        // Both lists reached the learner: printed in raw mode, or the client's answer shown.
        const lookedAfter = typedInRaw(f, 'CAPA') >= 2 || f.calls('capa').some((c) => c.ok && c.state === 'TRANSACTION' && f.sawValue(c.value, c.seq));
        if (before && after && lookedAfter) return { met: true };
        if (!after) return verdict(false, 'CAPA has not been answered after a login yet', before ? 'CAPA was answered before login' : undefined);
        if (!before) return verdict(false, 'CAPA has not been answered before a login, to compare with', 'CAPA was answered after login');
        return verdict(false, 'the list after login has not been shown yet: look at `await pop.capa()` again', 'CAPA was answered before and after login');
      },
      hints: [
        'In raw mode: `USER alice`, `PASS wonderland`, then `CAPA`. With the client: `await pop.user("alice")`, `await pop.pass("wonderland")`, `await pop.capa()`.',
        'RFC 2449 §5: what is offered before login is announced after it too. Only per-user values (marked `USER` before login) may change.',
      ],
    },
    {
      id: 'check-first',
      text: 'Use TOP only after CAPA said it is there: `(await pop.capa()).top ? pop.top(n, 0) : pop.retr(n)`',
      check: (f) =>
        verdict(
          f.sessions().some((s) => {
            const capa = s.entries.findIndex((e) => e.direction === 'S' && e.keyword === 'CAPA' && e.status === '+OK');
            return capa >= 0 && s.entries.some((e, i) => i > capa && e.direction === 'S' && isOptionalCommand(e.keyword) && e.status === '+OK');
          }),
          'no session has used TOP or UIDL after CAPA was answered in it',
        ),
      hints: [
        'TOP works only in TRANSACTION: log in with the client first, then ask `pop.capa()` and use `caps.top`.',
        '`const preview = async (n: number) => ((await pop.capa()).top ? pop.top(n, 0) : pop.retr(n))`, then `await preview(1)`.',
      ],
    },
  ],
  mistakes: [
    typeScriptInRawMode(
      ['CONST', 'LET', 'AWAIT', 'POP.', 'CAPS', 'CONNECT'],
      'In raw mode each line goes straight to the server, which only knows POP3 commands. Type `.raw` to get back to TypeScript.',
      ['.raw', 'await pop.capa()'],
    ),
    {
      id: 'optional-command-before-login',
      when: (f) => f.commands().some((e) => isOptionalCommand(e.keyword) && e.stateBefore === 'AUTHORIZATION'),
      hint: 'CAPA works before login, but TOP and UIDL act on a maildrop, so they only work in TRANSACTION: log in first (RFC 1939 §7).',
      example: ['const pop = await connect(sandbox)', 'await pop.top(1, 0)'],
    },
    {
      id: 'used-without-asking',
      goal: 'check-first',
      when: (f) =>
        f.sessions().some((s) => {
          const first = s.entries.findIndex((e) => e.direction === 'C' && isOptionalCommand(e.keyword) && e.stateBefore === 'TRANSACTION');
          return first >= 0 && !s.entries.slice(0, first).some((e) => e.direction === 'C' && e.keyword === 'CAPA');
        }),
      hint: 'That TOP (or UIDL) worked here, but not every server has it. Ask first: `(await pop.capa()).top` is `true` only when CAPA lists TOP.',
      example: [...loginLines(), 'await pop.top(1, 0)'],
    },
  ],
  solution: [
    { goal: 'parsed-list', lines: ['const pop = await connect(sandbox)', 'const caps = await pop.capa()', 'caps.sasl', 'caps.implementation'] },
    { goal: 'raw-capa', lines: ['.raw', 'CAPA'] },
    { goal: 'capa-after-login', lines: ['USER alice', 'PASS wonderland', 'CAPA', 'QUIT'] },
    {
      goal: 'check-first',
      lines: [
        "await pop.user('alice')",
        "await pop.pass('wonderland')",
        'const preview = async (n: number) => ((await pop.capa()).top ? pop.top(n, 0) : pop.retr(n))',
        'await preview(1)',
        'await pop.quit()',
      ],
    },
  ],
};

export default lesson;
