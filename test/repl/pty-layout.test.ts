import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/repl/text-wrap';
import { AWAIT_CHECKER, plain, PROMPT, runToExit, TERMINALS } from './pty-harness';

const at = (shape: { cols: number; colour: boolean }): string => `at ${shape.cols} columns, ${shape.colour ? 'with' : 'without'} colour`;

/** The text of the output from the first line matching `from` up to the next prompt. */
const between = (text: string, from: string): string => {
  const start = text.indexOf(from);
  return start < 0 ? '' : text.slice(start, text.indexOf('\n> ', start));
};

describe.each(TERMINALS)('output that fits the terminal', (shape) => {
  it(`fits the first screen in 40 lines, wraps its own lines, marks wire continuations and prints only the goal that moved (${at(shape)})`, () => {
    const { output } = runToExit(
      [
        { expect: 'Goals:[\\s\\S]*> ', timeout: 30 },
        { send: '.raw\r' },
        { expect: 'pop3> ' },
        { send: 'QUIT\r' },
        { expect: PROMPT },
        { send: `console.log('wire:' + 'x'.repeat(${shape.cols * 2}) + ':end')\r` },
        { expect: ':end' },
        { expect: PROMPT },
        ...AWAIT_CHECKER,
        { send: 'sandbox.nope\r' },
        { expect: 'Hint' },
        { expect: PROMPT, timeout: 30 },
        { send: '.help\r' },
        { expect: 'In scope: connect, sandbox' },
        { expect: PROMPT },
        { send: '.lesson\r' },
        { expect: 'Goals:[\\s\\S]*?\\.hint for a hint' },
        { expect: PROMPT },
      ],
      { shape },
    );
    const text = plain(output);
    // Nothing the playground wrote reaches the last column, where the terminal would wrap it.
    for (const line of text.split('\n')) expect(displayWidth(line), line).toBeLessThanOrEqual(shape.cols);

    const first = text.slice(0, text.indexOf('\n> ') + 3);
    expect(first.split('\n').length).toBeLessThanOrEqual(40);
    expect(first).toContain('── Lesson 1 of 2: First contact ──');
    expect(first).toContain('(.lesson shows the whole lesson)');
    expect(first).not.toContain('By hand, as over telnet');

    // Each goal that moved, alone, with the count done.
    const code = shape.colour ? '.raw' : '`.raw`';
    expect(text).toMatch(new RegExp(`\\n {2}✔ Type ${code.replace('.', '\\.')} to connect by hand and read the greeting\\s+\\(1/5\\)\\n`));
    expect(text).toMatch(/\n {2}✔ In raw mode, end the session by typing `?QUIT`? \(2\/5\)\n/);
    expect(between(text, 'Left raw mode')).not.toContain('At the TypeScript prompt');

    // A raw-mode reply wider than the terminal goes on after a mark.
    if (shape.cols === 60) expect(text).toMatch(/\n\+OK POP3 sandbox ready <[^\n]*↩\n[^\n]*>\n/);
    else expect(text).toMatch(/\n\+OK POP3 sandbox ready <[^\n↩]*>\n/);
    // What the code printed is cut with a mark, and reads back whole without the marks.
    const printed = between(text, 'wire:x');
    expect(printed).toContain('↩\n');
    expect(printed.replace(/↩\n/g, '').trim()).toBe(`wire:${'x'.repeat(shape.cols * 2)}:end`);

    // Tab completes at this terminal, so the hint may say so.
    expect(between(text, 'sandbox.nope')).toMatch(/Hint: Tab after a dot lists what\s+exists/);

    // .help wraps each description beside or under its command.
    const help = between(text, 'Commands:');
    expect(help).toContain('Tab completes names');
    if (shape.cols === 60) expect(help).toMatch(/\n {2}\.lesson <number or name> {4}Go to a lesson \(its mailbox\n {30}starts fresh\); alone, show\n {30}this one in full\n/);
    else expect(help).toContain('  .lesson <number or name>    Go to a lesson (its mailbox starts fresh); alone, show this one in\n                              full\n');
    // A command too long for its column has its description on the next line.
    expect(help).toMatch(/\n {2}\.exercise list\|watch\|verify\|hint\|reset \[n\]\n {30}File exercises in your own/);

    // .lesson alone: the whole lesson, its output blocks labelled.
    expect(text.split('── Lesson 1 of 2').length).toBe(3);
    const whole = text.slice(text.lastIndexOf('── Lesson 1 of 2'));
    expect(whole).toContain('By hand, as over telnet');
    expect(whole).toMatch(/\n {2}pop\.greeting\n {2}await pop\.quit\(\)\n\n {2}Output:\n {2}'\+OK POP3 sandbox ready/);
    if (shape.colour) expect(output).toContain('\u001b[2mOutput:\u001b[22m');
  }, 120_000);
});

describe('a dumb terminal (TERM=dumb)', () => {
  it('drops editing keys it cannot show, erases with Backspace, and never mentions Tab', () => {
    const { output } = runToExit(
      [
        { expect: 'Goals:[\\s\\S]*> ', timeout: 30 },
        // Left arrow, Up arrow and Ctrl-U: no escape bytes reach the code.
        { send: 'const x = 4\u001b[D\u001b[A\u00152\r' },
        { expect: '\n> ', timeout: 30 },
        { send: 'x + 19\u007f\r' },
        { expect: '[^0-9]43[^0-9]' },
        { expect: '\n> ' },
        { send: 'sandbox.nope\r' },
        { expect: 'Hint' },
        { expect: '\n> ' },
        { send: '.help\r' },
        { expect: 'In scope: connect, sandbox' },
        { expect: '\n> ' },
      ],
      { shape: { cols: 60, colour: false }, env: { TERM: 'dumb' } },
    );
    expect(output).not.toMatch(/\u001b/);
    expect(output).not.toContain('Invalid character');
    expect(output).not.toMatch(/SyntaxError/);
    const text = plain(output);
    expect(text).not.toContain('Tab');
    expect(text).toContain('Hint: `.type` shows what exists, e.g. `.type pop`.');
  }, 120_000);
});

describe('a terminal resized while the playground runs', () => {
  it('renders the next lesson text and wire lines at the new width, with no warnings', () => {
    const { output } = runToExit(
      [
        { expect: 'Goals:[\\s\\S]*> ', timeout: 30 },
        { send: `console.log('wide:' + 'y'.repeat(80))\r` },
        { expect: PROMPT },
        { resize: 60 },
        // node:readline redraws the prompt once it has seen the new width.
        { expect: PROMPT },
        { send: 'process.stdout.columns\r' },
        { expect: '[^0-9]60[^0-9]' },
        { expect: PROMPT },
        { send: `console.log('narrow:' + 'y'.repeat(80))\r` },
        { expect: PROMPT },
        { send: '.lesson\r' },
        { expect: 'Goals:[\\s\\S]*?\\.hint for a hint' },
        { expect: PROMPT },
      ],
      { shape: { cols: 100, colour: true }, args: ['--fast'] },
    );
    expect(output).not.toContain('Could not find the language');
    const text = plain(output);
    expect(text).toContain(`wide:${'y'.repeat(80)}\n`);
    expect(text).toMatch(/narrow:y+↩\ny+\n/);
    const before = text.slice(0, text.indexOf('wide:'));
    const after = text.slice(text.lastIndexOf('── Lesson 1 of 2'));
    expect(Math.max(...before.split('\n').map(displayWidth))).toBeGreaterThan(60);
    for (const line of after.split('\n')) expect(displayWidth(line), line).toBeLessThanOrEqual(60);
    expect(after).toContain('Output:');
  }, 120_000);
});
