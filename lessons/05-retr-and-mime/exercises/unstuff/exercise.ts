/**
 * Un-stuff a multi-line reply (RFC 1939 §3): judged on what the learner's `unstuff` returns for
 * RETR replies read off the wire from the sandbox (the server's stored message as the
 * reference) and for short stuffed bodies with their closing line in odd places.
 */
import { connect as connectTcp } from 'node:net';
import type { ExerciseContext, ExerciseUnitDefinition, Facts } from '../../../../src/tutor';
import type * as Playground from '../../../../src/index';
import { callOnce, callsResult, callsVerdict, loadFunctions } from '../../../common';
import type { ExerciseCall } from '../../../common';

interface UnstuffRun {
  problem?: string;
  stuffed: ExerciseCall[];
  terminator: ExerciseCall[];
  sandbox: ExerciseCall[];
}

/** Seed messages with dots at the start of lines, and the one that ends in a lone dot. */
const MESSAGES = ['dot-lines', 'ends-with-dot', 'welcome'] as const;

/** Bodies as lines after the status line, closing `.` included, and what they carry. */
const STUFFED: readonly [string[], string[]][] = [
  [['..', '.'], ['.']],
  [['...and more', 'plain', '.'], ['..and more', 'plain']],
  [['..hidden', '', '.'], ['.hidden', '']],
];
const TERMINATOR: readonly [string[], string[]][] = [
  [['.'], []],
  [['first', '.', 'after the end'], ['first']],
  [['. not the end', '..', '.', '.'], [' not the end', '.']],
];

/** A RETR reply's lines, read off the wire (CRLF removed), after the status line up to and including the lone `.`. */
async function retrLines(context: ExerciseContext, password: string, n: number): Promise<string[]> {
  const socket = connectTcp({ host: context.server.host, port: context.server.port });
  let buffer = '';
  const lines: string[] = [];
  const next = async (): Promise<string> => {
    for (;;) {
      const end = buffer.indexOf('\r\n');
      if (end >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        return line;
      }
      await new Promise<void>((resolve, reject) => {
        socket.once('data', (chunk: Buffer) => {
          buffer += chunk.toString('latin1');
          resolve();
        });
        socket.once('error', reject);
      });
    }
  };
  try {
    await next();
    for (const command of ['USER alice', `PASS ${password}`, `RETR ${n}`]) {
      socket.write(`${command}\r\n`);
      if (!(await next()).startsWith('+OK')) throw new Error(`the sandbox refused ${command.split(' ')[0]}`);
    }
    for (let line = await next(); ; line = await next()) {
      lines.push(line);
      if (line === '.') break;
    }
    socket.write('QUIT\r\n');
    await next();
  } finally {
    socket.destroy();
    await context.settle();
  }
  return lines;
}

async function run(context: ExerciseContext): Promise<UnstuffRun> {
  const result: UnstuffRun = { stuffed: [], terminator: [], sandbox: [] };
  const loaded = await loadFunctions(context, ['unstuff']);
  if (typeof loaded === 'string') return { ...result, problem: loaded };
  const unstuff = loaded.unstuff!;
  const label = (lines: readonly string[]): string => `unstuff(${JSON.stringify(lines)})`;
  for (const [lines, expected] of STUFFED) result.stuffed.push(await callOnce(unstuff, [lines], label(lines), expected));
  for (const [lines, expected] of TERMINATOR) result.terminator.push(await callOnce(unstuff, [lines], label(lines), expected));

  await context.applyState({ mailboxes: { alice: [...MESSAGES] } });
  const password = context.server.accounts.find((a) => a.name === 'alice')?.password ?? '';
  const { connect } = context.modules['pop3-playground'] as typeof Playground;
  for (const [i, name] of MESSAGES.entries()) {
    const wire = await retrLines(context, password, i + 1);
    // The reference: the message as our client delivers it, split into its lines.
    const pop = await connect({ host: context.server.host, port: context.server.port });
    let expected: string[] = [];
    try {
      await pop.user('alice');
      await pop.pass(password);
      expected = (await pop.retr(i + 1)).bytes.toString('latin1').replace(/\r\n$/, '').split('\r\n');
      await pop.quit();
    } finally {
      pop.close();
      await context.settle();
    }
    result.sandbox.push(await callOnce(unstuff, [wire], `unstuff(<the lines of RETR ${i + 1}, the seed's "${name}">)`, expected));
  }
  return result;
}

const all = (f: Facts): ExerciseCall[] => {
  const r = callsResult<UnstuffRun>(f);
  return r ? [...r.stuffed, ...r.terminator, ...r.sandbox] : [];
};
const lines = (value: unknown): string[] | undefined => (Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined);

const exercise: ExerciseUnitDefinition = {
  formatVersion: 1,
  title: 'Un-stuffing a multi-line reply',
  summary: 'Remove the dot the server added, and stop at the lone dot',
  rfc: ['RFC 1939 §3'],
  file: 'unstuff.ts',
  timeoutMs: 10_000,
  run,
  goals: [
    {
      id: 'one-dot',
      text: 'Removes exactly one leading `.` from a line that starts with one (RFC 1939 §3)',
      check: (f) => callsVerdict<UnstuffRun>(f, (r) => r.stuffed),
      hints: ['The server added one `.` to every line that started with `.`; take that one off again: `line.slice(1)`.', 'Only one: a line `...and more` carried `..and more`.'],
    },
    {
      id: 'lone-dot-ends',
      text: 'Stops at the line that is a lone `.`, which is not part of the message',
      check: (f) => callsVerdict<UnstuffRun>(f, (r) => r.terminator),
      hints: ['The reply ends at the first line that is exactly `.`; a line that only starts with `.` goes on.', 'Leave the lone `.` out, and anything after it.'],
    },
    {
      id: 'sandbox-retr',
      text: "Turns the sandbox's RETR replies, as they came off the wire, back into the messages it holds",
      check: (f) => callsVerdict<UnstuffRun>(f, (r) => r.sandbox),
      hints: ['Every rule at once: one dot off where a line starts with `.`, stop at the lone `.`; empty lines stay.'],
    },
  ],
  mistakes: [
    {
      id: 'all-dots',
      goal: 'one-dot',
      when: (f) => all(f).some((c) => lines(c.actual)?.some((l, i) => lines(c.expected)?.[i]?.startsWith('.') === true && !l.startsWith('.')) === true),
      hint: 'A line lost all its leading dots. Remove only the one the server added: `..hidden` carries `.hidden`.',
    },
    {
      id: 'kept-terminator',
      goal: 'lone-dot-ends',
      when: (f) => all(f).some((c) => (lines(c.actual) ?? []).length === (lines(c.expected) ?? []).length + 1 && lines(c.actual)?.at(-1) === '.'),
      hint: 'The closing `.` came back as a line of the message. It only marks the end of the reply: leave it out.',
    },
    {
      id: 'ends-at-any-dot',
      goal: 'lone-dot-ends',
      when: (f) => all(f).some((c) => {
        const actual = lines(c.actual);
        const expected = lines(c.expected);
        return actual !== undefined && expected !== undefined && actual.length < expected.length && expected[actual.length]?.startsWith('.') === true && expected[actual.length] !== '.';
      }),
      hint: 'It stopped at a line that only starts with `.`. The reply ends at a line that is exactly `.`, nothing else.',
    },
  ],
};

export default exercise;
