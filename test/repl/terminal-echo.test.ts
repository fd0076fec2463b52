import { describe, expect, it } from 'vitest';
import { plain, PROMPT, RAW_LOGIN, runToExit, TERMINALS } from './pty-harness';
import type { Step } from './pty-harness';

const at = (shape: { cols: number; colour: boolean }): string => `at ${shape.cols} columns, ${shape.colour ? 'with' : 'without'} colour`;
/** node:readline's redraw of the line being edited: to column 1, clear below, the prompt again. */
const REDRAWN = '\u001b[1G\u001b[0Jpop3> ';

describe.each(TERMINALS)('what the terminal shows', (shape) => {
  it(`a client as a summary, a pending promise plainly, each raw reply once with the trace on, and secrets masked after Enter (${at(shape)})`, () => {
    const steps: Step[] = [
      { expect: 'Goals:[\\s\\S]*> ', timeout: 30 },
      { send: 'const pop = await connect(sandbox)\r' },
      { expect: PROMPT },
      { send: 'pop\r' },
      { expect: 'Pop3Client \\{[\\s\\S]*secure' },
      { expect: PROMPT },
      { send: 'await pop.user("alice"); pop.pass("wonderland")\r' },
      { expect: 'Promise \\{ [^\\n]*pending' },
      { expect: PROMPT },
      { send: 'await pop.noop(); pop\r' },
      { expect: "user: (\\x1b\\[\\d+m)?'alice'" },
      { expect: PROMPT },
      { send: 'await pop.quit()\r' },
      { expect: PROMPT },
      ...RAW_LOGIN,
      { send: 'LIST 1\r' },
      { expect: '\\+OK 1 \\d+[\\s\\S]*pop3> ' },
      { send: '\u0004' },
      { expect: PROMPT },
      { send: '.raw\r' },
      { expect: 'pop3> ' },
      { send: 'apop alice 0123456789abcdef0123456789abcdef\r' },
      { expect: '-ERR[\\s\\S]*pop3> ' },
      { send: '\u0004' },
      { expect: PROMPT },
    ];
    const { output } = runToExit(steps, { shape, args: ['--fast'] }, '\u0004');
    const text = plain(output);
    expect(text).toMatch(/Pop3Client \{\s+state: 'AUTHORIZATION',\s+host: '127\.0\.0\.1',\s+port: \d+,\s+secure: false\s+\}/);
    expect(text).toContain('Promise { <pending> }');
    expect(text).not.toContain('async_id');
    // Each reply once: the raw reply, not its trace line as well; commands are traced.
    expect(text.match(/now send PASS/g)).toHaveLength(1);
    expect(text.match(/maildrop has/g)).toHaveLength(1);
    expect(text).toContain('C: LIST 1');
    expect(text).not.toMatch(/S: \+OK 1 \d+/);
    // Enter redraws the echoed line with the secret masked, before anything else is printed.
    expect(output).toContain(`PASS wonderland${REDRAWN}PASS ***`);
    expect(output).toContain(`apop alice 0123456789abcdef0123456789abcdef${REDRAWN}APOP alice ***`);
    expect(output).not.toContain(`${REDRAWN}PASS wonderland`);
  }, 120_000);
});
