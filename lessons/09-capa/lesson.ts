import type { Facts, LessonDefinition } from '../../src/tutor';
import { loginLines, notAwaited, typeScriptInRawMode } from '../common';

/** True for the client's parsed capability list (src/client/capabilities.ts). */
const isCapabilities = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && Array.isArray((v as { raw?: unknown }).raw) && Array.isArray((v as { sasl?: unknown }).sasl);

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
      check: (f) =>
        capaOk(f) &&
        (f.produced(isCapabilities) || isCapabilities(f.variable('caps'))) &&
        f.produced((v) => Array.isArray(v) && v.includes('PLAIN') && v.every((m) => typeof m === 'string' && !m.includes(' '))),
      hints: [
        'Connect first (`const pop = await connect(sandbox)`); CAPA needs no login (RFC 2449 §5).',
        '`const caps = await pop.capa()` keeps the parsed list; type `caps.sasl` to see the mechanism names as an array.',
      ],
    },
    {
      id: 'raw-capa',
      text: 'Type `.raw` and send `CAPA` by hand: one capability per line, then `.`',
      check: (f) => f.repl.rawSessions > 0 && f.repl.rawLines.includes('CAPA') && capaOk(f, 'AUTHORIZATION'),
      hints: [
        '`.raw` opens a connection you type into; `CAPA` is the whole command.',
        'Each line of the reply is one capability; the lone `.` ends the list (RFC 1939 §3).',
      ],
    },
    {
      id: 'capa-after-login',
      text: 'Log in as alice and send `CAPA` again: compare it with the list before login',
      check: (f) => capaOk(f, 'AUTHORIZATION') && capaOk(f, 'TRANSACTION'),
      hints: [
        'In raw mode: `USER alice`, `PASS wonderland`, then `CAPA`. With the client: `await pop.user("alice")`, `await pop.pass("wonderland")`, `await pop.capa()`.',
        'RFC 2449 §5: what is offered before login is announced after it too. Only per-user values (marked `USER` before login) may change.',
      ],
    },
    {
      id: 'check-first',
      text: 'Use TOP only after CAPA said it is there: `(await pop.capa()).top ? pop.top(n, 0) : pop.retr(n)`',
      check: (f) =>
        f.sessions().some((s) => {
          const capa = s.entries.findIndex((e) => e.direction === 'S' && e.keyword === 'CAPA' && e.status === '+OK');
          return capa >= 0 && s.entries.some((e, i) => i > capa && e.direction === 'S' && isOptionalCommand(e.keyword) && e.status === '+OK');
        }),
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
      when: (f) =>
        f.sessions().some((s) => {
          const first = s.entries.findIndex((e) => e.direction === 'C' && isOptionalCommand(e.keyword) && e.stateBefore === 'TRANSACTION');
          return first >= 0 && !s.entries.slice(0, first).some((e) => e.direction === 'C' && e.keyword === 'CAPA');
        }),
      hint: 'That TOP (or UIDL) worked here, but not every server has it. Ask first: `(await pop.capa()).top` is `true` only when CAPA lists TOP.',
      example: [...loginLines(), 'await pop.top(1, 0)'],
    },
    notAwaited('forgot-await', 'That printed a `Promise`: CAPA has not been answered yet. Put `await` in front: `const caps = await pop.capa()`.', [
      'const pop = await connect(sandbox)',
      'pop.capa()',
    ]),
  ],
  solution: [
    'const pop = await connect(sandbox)',
    'const caps = await pop.capa()',
    'caps.sasl',
    'caps.implementation',
    '.raw',
    'CAPA',
    'USER alice',
    'PASS wonderland',
    'CAPA',
    'QUIT',
    "await pop.user('alice')",
    "await pop.pass('wonderland')",
    'const preview = async (n: number) => ((await pop.capa()).top ? pop.top(n, 0) : pop.retr(n))',
    'await preview(1)',
    'await pop.quit()',
  ],
};

export default lesson;
