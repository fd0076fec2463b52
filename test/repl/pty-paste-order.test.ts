import { describe, expect, it } from 'vitest';
import { plain, PROMPT, runToExit, TERMINALS } from './pty-harness';
import { screenText } from './terminal-screen';

const at = (shape: { cols: number; colour: boolean }): string => `at ${shape.cols} columns, ${shape.colour ? 'with' : 'without'} colour`;

// A paste reaches the REPL as one chunk: its lines, dot-commands among them, run in the order
// they were typed, behind an evaluation that is still awaiting.
describe.each(TERMINALS)('a pasted block', (shape) => {
  it(`runs its lines and dot-commands in order, and Ctrl-C drops what waits (${at(shape)})`, () => {
    const paste = ['const n = await new Promise<number>((r) => setTimeout(() => r(5), 300))', '.raw', 'USER alice', 'PASS wonderland', 'STAT', '.raw', 'n * 2', ''].join('\r');
    const { output } = runToExit(
      [
        { expect: 'Goals:[\\s\\S]*> ', timeout: 30 },
        { send: paste },
        { expect: '\\+OK \\d+ \\d+' },
        { expect: 'Left raw mode' },
        { expect: '10(?:\\x1b\\[[0-9;]*m)*\\r?\\n' },
        { expect: PROMPT },
        { send: ['await new Promise((r) => setTimeout(r, 20000))', '.help', ''].join('\r') },
        { pause: 0.5 },
        { send: '\u0003' },
        { expect: PROMPT },
        { send: '"after" + "-ctrl-c"\r' },
        { expect: 'after-ctrl-c' },
        { expect: PROMPT },
      ],
      { shape },
    );
    const text = plain(output);
    const stat = text.search(/\+OK \d+ \d+/);
    const left = text.indexOf('Left raw mode');
    const doubled = text.indexOf('> 10\n', left);
    expect(stat).toBeGreaterThan(-1);
    expect(left).toBeGreaterThan(stat);
    expect(doubled).toBeGreaterThan(left);
    // The password went out as typed (STAT answered) but the screen shows it masked, though
    // raw mode was not on yet when its line was taken.
    const screen = screenText(output, shape.cols);
    const pasted = screen.slice(screen.indexOf('const n = await'));
    expect(pasted).toContain('USER alice');
    expect(pasted).not.toContain('wonderland');
    expect(screen).toContain('PASS ***');
    // .help waited behind the await; Ctrl-C dropped it.
    expect(text).not.toContain('Commands:');
  }, 90_000);
});
