import type { Facts, LessonDefinition } from '../../src/tutor';
import { notTypedInRaw, typedInRaw, typeScriptInRawMode, verdict } from '../common';

/** QUITs answered +OK; the ones typed in raw mode, and the rest (the client's). */
const okQuits = (f: Facts): number => f.replies('QUIT').filter((e) => e.status === '+OK').length;
const rawQuits = (f: Facts): number => Math.min(typedInRaw(f, 'QUIT'), okQuits(f));

/** The greeting lines the server sent (RFC 1939 §4), as the client keeps them. */
const greetings = (f: Facts): string[] => f.replies('GREETING').map((e) => e.text);

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
      check: (f) => verdict(f.repl.rawSessions > 0, 'no `.raw` session was opened yet: this goal is about connecting by hand', f.repl.clients > 0 ? 'the client connected' : undefined),
      hints: [
        'Dot-commands start with a dot and talk to the playground, not to TypeScript: type `.raw` and press Enter.',
        'The line that starts with `+OK` right after `.raw` is the greeting: the server speaks first (RFC 1939 §4).',
      ],
    },
    {
      id: 'raw-quit',
      text: 'In raw mode, end the session by typing `QUIT`',
      check: (f) => (rawQuits(f) > 0 ? { met: true } : typedInRaw(f, 'QUIT') > 0 ? verdict(false, 'the server has not answered it with +OK') : notTypedInRaw(f, 'QUIT')),
      hints: [
        'In raw mode every line you type goes to the server as it is. Type `QUIT` and press Enter.',
        'QUIT works in any state; in AUTHORIZATION it just ends the session (RFC 1939 §4). If you left raw mode, type `.raw` again first.',
      ],
    },
    {
      id: 'client-connect',
      text: 'At the TypeScript prompt, connect with the client: `const pop = await connect(sandbox)`',
      check: (f) => {
        const calls = f.calls('connect');
        return verdict(calls.some((c) => c.ok), calls.length > 0 ? 'the connection failed; its error says why' : '`connect` has not been called at the prompt yet');
      },
      hints: [
        '`connect` returns a promise; `await` waits for the connection and the greeting.',
        'Type exactly: `const pop = await connect(sandbox)`',
      ],
    },
    {
      id: 'client-greeting',
      text: 'Read the greeting the client received: `pop.greeting`',
      check: (f) => {
        const connected = f.calls('connect').some((c) => c.ok);
        return verdict(greetings(f).some((g) => f.sawValue(g)), connected ? 'its greeting has not been shown yet: evaluate or print `pop.greeting`' : 'connect with the client first', connected ? 'the client connected' : undefined);
      },
      hints: ['The client keeps the greeting line. Type `pop.greeting` (no `await` needed: it is already there).'],
    },
    {
      id: 'client-quit',
      text: 'Say goodbye with the client: `await pop.quit()`',
      check: (f) => verdict(okQuits(f) > rawQuits(f), 'no QUIT from the client has been answered yet', rawQuits(f) > 0 ? 'QUIT was typed in raw mode' : undefined),
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
    {
      id: 'pop-not-declared',
      goal: 'client-connect',
      when: (f) => f.repl.errors.some((e) => e.name === 'pop'),
      hint: 'Declare the client first: `const pop = await connect(sandbox)`.',
      example: ['pop.greeting'],
    },
  ],
  solution: [
    { goal: 'raw-greeting', lines: ['.raw'] },
    { goal: 'raw-quit', lines: ['CAPA', 'QUIT'] },
    { goal: 'client-connect', lines: ['const pop = await connect(sandbox)'] },
    { goal: 'client-greeting', lines: ['pop.greeting'] },
    { goal: 'client-quit', lines: ['await pop.quit()'] },
  ],
};

export default lesson;
