import { describe, expect, it } from 'vitest';
import { plain, PROMPT, runInPty, TERMINALS } from './pty-harness';
import type { Step } from './pty-harness';

const at = (shape: { cols: number; colour: boolean }): string => `at ${shape.cols} columns, ${shape.colour ? 'with' : 'without'} colour`;

describe.each(TERMINALS)('Ctrl-C and Ctrl-D in a real terminal', (shape) => {
  it(`stop running code and keep the variables, drop keys typed meanwhile, and never end the playground (${at(shape)})`, () => {
    const steps: Step[] = [
      { expect: 'Goals:[\\s\\S]*> ', timeout: 30 },
      { send: 'let n = 1\r' },
      { expect: PROMPT },
      // The synchronous part of an input: SIGINT through node:vm's breakOnSigint.
      { send: 'while (true) { n++ }\r' },
      { expect: 'n\\+\\+ \\}' },
      { send: 'abc\u0003\u0003' },
      { expect: 'interrupted by Ctrl-C' },
      { expect: 'keys typed while the code ran were discarded' },
      { expect: PROMPT },
      { send: 'n > 1\r' },
      { expect: 'true' },
      { expect: PROMPT },
      // Code after an await: its loop throws on its next turn.
      { send: 'await new Promise((r) => setTimeout(r, 50)); console.log("loop" + "ing"); while (true) { n++ }\r' },
      { expect: 'looping' },
      { send: '\u0003' },
      { expect: 'interrupted by Ctrl-C' },
      { expect: PROMPT },
      // A loop in a timer's callback.
      { send: 'setTimeout(() => { console.log("spin" + "ning"); for (;;) n++ }, 10); 0\r' },
      { expect: 'spinning' },
      { send: '\u0003' },
      { expect: 'interrupted by Ctrl-C' },
      { expect: PROMPT },
      // Impatient presses at an idle prompt never leave.
      { send: '\u0003' },
      { expect: 'To leave, press Ctrl-D or type \\.exit' },
      { send: '\u0003' },
      { expect: 'To leave, press Ctrl-D or type \\.exit' },
      { send: 'n > 2\r' },
      { expect: 'true' },
      { expect: PROMPT },
      // Ctrl-D while an await is pending does not leave either; Ctrl-C then cancels it.
      { send: 'await new Promise(() => {})\r' },
      { expect: '\\{\\}\\)' },
      { send: '\u0004' },
      { expect: 'Ctrl-D leaves at an idle prompt' },
      { send: '\u0003' },
      { expect: 'cancelled by Ctrl-C' },
      { expect: PROMPT },
      { send: '\u0004' },
    ];
    const { output, status, stderr } = runInPty(steps, { shape, args: ['--fast'] });
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const text = plain(output);
    expect(text.match(/interrupted by Ctrl-C/g)).toHaveLength(3);
    expect(text).toContain('(4 keys typed while the code ran were discarded)');
    expect(output.includes('\u001b[31m')).toBe(shape.colour);
  }, 120_000);

  // At 60 columns the line wraps at a word boundary.
  const WITHOUT_QUIT = 'closed without QUIT: nothing marked was(?:\\s|\\x1b\\[[0-9;]*m)+deleted';

  it(`leave raw mode without QUIT, so nothing marked is deleted (${at(shape)})`, () => {
    const steps: Step[] = [
      { expect: 'Goals:[\\s\\S]*> ', timeout: 30 },
      { send: '.raw\r' },
      { expect: 'pop3> ' },
      { send: 'USER alice\r' },
      { expect: 'now send PASS' },
      { send: 'PASS wonderland\r' },
      { expect: 'maildrop has (\\d+)' },
      { send: 'DELE 1\r' },
      { expect: 'message 1 deleted' },
      { send: '\u0003' },
      { expect: WITHOUT_QUIT },
      { expect: PROMPT },
      { send: '.raw\r' },
      { expect: 'pop3> ' },
      { send: 'USER alice\r' },
      { expect: 'now send PASS' },
      { send: 'PASS wonderland\r' },
      { expect: 'maildrop has' },
      { send: '\u0004' },
      { expect: WITHOUT_QUIT },
      { expect: PROMPT },
      { send: '.exit\r' },
    ];
    const { output, status, stderr } = runInPty(steps, { shape, args: ['--fast'] });
    expect(stderr).toBe('');
    expect(status).toBe(0);
    // Both logins saw the same maildrop: the message marked in the first was not deleted.
    const counts = [...plain(output).matchAll(/maildrop has (\d+)/g)].map((m) => m[1]);
    expect(counts).toHaveLength(2);
    expect(counts[0]).toBe(counts[1]);
  }, 120_000);
});

describe('a loop Ctrl-C cannot reach', () => {
  it('is named within a second, and a third Ctrl-C ends the playground', () => {
    const { output, status } = runInPty(
      [
        { expect: 'Goals:[\\s\\S]*> ', timeout: 30 },
        { send: 'setTimeout(() => { console.log("wait" + "ing"); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0) }, 10); 0\r' },
        { expect: 'waiting' },
        { send: '\u0003' },
        { expect: 'cannot be interrupted\\. Press Ctrl-C twice more to end the playground; your progress is saved\\.', timeout: 2 },
        { send: '\u0003' },
        { send: '\u0003' },
        { expect: 'Ending the playground' },
      ],
      { args: ['--fast'] },
    );
    expect(plain(output)).toContain('Ending the playground; your progress is saved.');
    // The program ended by itself (the driver kills one that hangs, and then fails).
    expect(status).toBe(0);
  }, 60_000);
});
