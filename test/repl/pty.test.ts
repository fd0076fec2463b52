import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { plain, PROMPT, runInPty, runToExit } from './pty-harness';

describe('the interactive REPL in a real terminal', () => {
  it('colours output, completes with Tab, cancels an await with Ctrl-C, stops a runaway loop with the watchdog, and exits cleanly', () => {
    const { output, stateDir } = runToExit(
      [
        { expect: 'Goals:[\\s\\S]*> ', timeout: 30 },
        { send: 'const pop = await connect(sandbox)\r' },
        { expect: PROMPT, timeout: 30 },
        { send: 'pop.gree\t' },
        { expect: 'pop\\.greeting' },
        { send: '\r' },
        { expect: "'\\+OK POP3 sandbox ready" },
        { expect: PROMPT },
        { send: '.les\t' },
        { expect: '\\.lessons?' },
        { send: '\u0015' },
        { send: 'await new Promise(() => {})\r' },
        { expect: 'await new Promise\\(\\(\\) => \\{\\}\\)' },
        { send: '\u0003' },
        { expect: 'cancelled by Ctrl-C' },
        { expect: PROMPT },
        // A loop that never ends: the watchdog stops it when nobody presses Ctrl-C.
        { send: 'console.log("spinning"); while (true) {}\r' },
        { expect: 'spinning\\r?\\n' },
        { expect: 'stopped after 1500 ms \\(the evaluation limit\\)' },
        { expect: PROMPT },
        { send: '1 + 1\r' },
        { expect: '1 \\+ 1[\\s\\S]*?[^0-9]2[^0-9]' },
        // A paste: the second line arrives while the first one's await is pending, and waits for it.
        { send: 'const later = await new Promise((r) => setTimeout(() => r(41), 300))\rlater + 1\r' },
        { expect: '[^0-9]42[^0-9]' },
        { expect: PROMPT },
      ],
      { args: ['--fast', '--eval-timeout', '1500'] },
    );
    // Colour in a colour terminal: SGR sequences around the welcome and the goals.
    expect(output).toMatch(/\u001b\[1mPOP3 playground/);
    expect(output).toMatch(/\u001b\[31m✘\u001b\[39m/);
    const text = plain(output);
    expect(text).toContain('── Lesson 1 of 2: First contact ──');
    expect(text).not.toContain('Warning');
    // The lessons' `output` and `pop3` fences are not languages the highlighter knows: no warning.
    expect(output).not.toContain('Could not find the language');
    expect(text).toContain("pop.greeting\n'+OK POP3 sandbox ready");
    expect(text).toContain('✘ stopped after 1500 ms (the evaluation limit)');
    // Line history is kept under the state dir, newest first.
    const history = readFileSync(path.join(stateDir, 'history'), 'utf8').split('\n');
    expect(history.filter((line) => line !== '.exit').slice(0, 3)).toEqual([
      'later + 1',
      'const later = await new Promise((r) => setTimeout(() => r(41), 300))',
      '1 + 1',
    ]);
  }, 120_000);

  it('prints no colour under NO_COLOR, keeps passwords out of the history, and leaves on Ctrl-D', () => {
    const { output, status, stateDir } = runInPty(
      [
        { expect: 'Goals:[\\s\\S]*> ', timeout: 30 },
        { send: '.raw\r' },
        { expect: 'pop3> ' },
        { send: 'USER alice\r' },
        { expect: 'now send PASS' },
        { send: 'PASS wonderland\r' },
        { expect: "alice's maildrop has" },
        { send: 'QUIT\r' },
        { expect: 'Left raw mode' },
        { send: '.raw\r' },
        { expect: 'pop3> ' },
        { send: 'AUTH LOGIN\r' },
        { expect: '\\+ VXNlcm5hbWU6' },
        { send: 'YWxpY2U=\r' },
        { expect: '\\+ UGFzc3dvcmQ6' },
        { send: 'd29uZGVybGFuZA==\r' },
        { expect: "alice's maildrop has" },
        { send: 'QUIT\r' },
        { expect: 'Left raw mode' },
        { send: '\u0004' },
      ],
      { shape: { cols: 100, colour: false }, args: ['--fast'] },
    );
    expect(status).toBe(0);
    // SASL responses are credentials too: the answers to AUTH LOGIN stay out, like AUTH itself.
    expect(readFileSync(path.join(stateDir, 'history'), 'utf8').split('\n')).toEqual(['QUIT', '.raw', 'QUIT', 'USER alice', '.raw']);
    // Only cursor and line-editing sequences remain, never SGR colour.
    expect(output).not.toMatch(/\u001b\[[0-9;]*m/);
    expect(plain(output)).toContain('✘ Type `.raw` to connect by hand');
  }, 60_000);
});
