import type { Facts, LessonDefinition } from '../../src/tutor';
import { notAwaited, typeScriptInRawMode } from '../common';

/** How many QUITs were typed in raw mode (the rest came from the client). */
const rawQuits = (f: Facts): number => f.repl.rawLines.filter((line) => line === 'QUIT').length;
const okQuits = (f: Facts): number => f.replies('QUIT').filter((e) => e.status === '+OK').length;

const lesson: LessonDefinition = {
  formatVersion: 1,
  title: 'First contact',
  summary: 'What POP3 is; the greeting, by hand and with the client',
  rfc: ['RFC 1939 §1', 'RFC 1939 §3', 'RFC 1939 §4'],
  start: { mailboxes: { alice: 'seed' } },
  goals: [
    {
      id: 'raw-greeting',
      text: 'Type `.raw` to connect by hand and read the greeting',
      check: (f) => f.repl.rawSessions > 0,
      hints: [
        'Dot-commands start with a dot and talk to the playground, not to TypeScript: type `.raw` and press Enter.',
        'The line that starts with `+OK` right after `.raw` is the greeting: the server speaks first (RFC 1939 §4).',
      ],
    },
    {
      id: 'raw-quit',
      text: 'In raw mode, end the session with `QUIT`',
      check: (f) => rawQuits(f) > 0 && okQuits(f) > 0,
      hints: [
        'In raw mode every line you type goes to the server as it is. Type `QUIT` and press Enter.',
        'QUIT works in any state; in AUTHORIZATION it just ends the session (RFC 1939 §4). If you left raw mode, type `.raw` again first.',
      ],
    },
    {
      id: 'client-connect',
      text: 'At the TypeScript prompt, connect with the client: `const pop = await connect(sandbox)`',
      check: (f) => f.repl.clients > 0,
      hints: [
        '`connect` returns a promise; `await` waits for the connection and the greeting.',
        'Type exactly: `const pop = await connect(sandbox)`',
      ],
    },
    {
      id: 'client-greeting',
      text: 'Read the greeting the client received: `pop.greeting`',
      check: (f) => f.produced((v) => typeof v === 'string' && v.startsWith('+OK')),
      hints: ['The client keeps the greeting line. Type `pop.greeting` (no `await` needed: it is already there).'],
    },
    {
      id: 'client-quit',
      text: 'Say goodbye with the client: `await pop.quit()`',
      check: (f) => okQuits(f) > rawQuits(f),
      hints: [
        'The client has one method per command, named after it in lower case.',
        'Type `await pop.quit()`. The server answers `+OK` and closes the connection.',
      ],
    },
  ],
  mistakes: [
    typeScriptInRawMode(
      ['CONST', 'LET', 'AWAIT', 'POP.', 'CONNECT'],
      'In raw mode each line goes straight to the server, which only knows POP3 commands. Type `.raw` to get back to TypeScript.',
      ['.raw', 'const pop = await connect(sandbox)'],
    ),
    notAwaited('forgot-await', 'That printed a `Promise`: the call has not finished yet. Put `await` in front to get its result.', ['connect(sandbox)']),
    {
      id: 'pop-not-declared',
      when: (f) => f.repl.errors.some((e) => e.code === 'TS2304' || e.code === 'ReferenceError'),
      hint: 'Declare the client first: `const pop = await connect(sandbox)`.',
      example: ['pop.greeting'],
    },
  ],
  solution: ['.raw', 'CAPA', 'QUIT', 'const pop = await connect(sandbox)', 'pop.greeting', 'await pop.quit()'],
};

export default lesson;
