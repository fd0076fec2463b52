import { describe, expect, it } from 'vitest';
import { plain, PROMPT, runToExit, TERMINALS } from './pty-harness';

// At a terminal the checker builds its program on a thread of its own (about a second); a
// line typed before it is ready runs at once and is checked as soon as it is.
describe.each(TERMINALS)('a line typed as soon as the prompt shows', (shape) => {
  it(`is answered at once, its type errors follow, and later lines are checked before they run (${shape.cols} columns, ${shape.colour ? 'with' : 'without'} colour)`, () => {
    const { output } = runToExit(
      [
        { expect: 'Goals:[\\s\\S]*> ', timeout: 30 },
        { send: 'const early: string = 6 * 7; early\r' },
        { expect: '42' },
        { expect: 'TS2322', timeout: 60 },
        { expect: PROMPT },
        // Checked now: refused, so it never runs (it would print "side-effect").
        { send: "const refused: number = (console.log('side' + '-effect'), early)\r" },
        { expect: 'TS2322' },
        { expect: PROMPT },
        { send: 'early + 1\r' },
        { expect: '43' },
        { expect: PROMPT },
      ],
      { shape },
    );
    const text = plain(output);
    const answered = text.indexOf('42');
    const late = text.indexOf('This ran before the type checker was ready');
    expect(answered).toBeGreaterThan(-1);
    expect(late).toBeGreaterThan(answered);
    // The late report names the line, then the error as a refusal would show it.
    expect(text.slice(late).replace(/\s+/g, ' ')).toContain("checked it: const early: string = 6 * 7; early ✘ Type error: Type 'number' is not assignable to type 'string'. (TS2322)");
    // The refused line was told at once, with no late report of its own, and did not run.
    expect(text.split('This ran before the type checker was ready')).toHaveLength(2);
    expect(text).not.toContain('side-effect');
  }, 90_000);
});
