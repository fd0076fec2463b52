import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { PROMPT, RAW_LOGIN, runToExit, TERMINALS } from './pty-harness';
import { screenText } from './terminal-screen';
import type { Step, TerminalShape } from './pty-harness';

const at = (shape: TerminalShape): string => `at ${shape.cols} columns, ${shape.colour ? 'with' : 'without'} colour`;

/** True when this Node's readline ends a line at U+2028 without an Enter key (Node 24 does, Node 20 and 22 do not). */
function lineSeparatorEndsLine(): boolean {
  const readline = createInterface({ input: new PassThrough(), output: new PassThrough(), terminal: true });
  const lines: string[] = [];
  readline.on('line', (line: string) => lines.push(line));
  readline.write('a\u2028b');
  readline.close();
  return lines.length > 0;
}
/** A line end that is no Enter key (text copied from a web page may hold U+2028) where node:readline takes one, else Enter. */
const SEPARATOR = lineSeparatorEndsLine() ? '\u2028' : '\r';

const DIGEST = '0123456789abcdef0123456789abcdef';
/** Leaves raw mode (Ctrl-D, no QUIT) and opens a new raw session. */
const reconnect: Step[] = [{ send: '\u0004' }, { expect: PROMPT }, { send: '.raw\r' }, { expect: 'pop3> ' }];
/** STAT's reply in TRANSACTION: the message count and the maildrop's size (RFC 1939 §5). */
const STAT_OK = '\\+OK \\d+ \\d+';

describe.each(TERMINALS)('a pasted PASS or APOP line in raw mode', (shape) => {
  it(`shows its secret as *** however the line reached Enter, and sends it as typed (${at(shape)})`, () => {
    const steps: Step[] = [
      { expect: 'Goals:[\\s\\S]*> ', timeout: 30 },
      // The trace shows each command as the lesson's facts record it: the echo must read the same.
      // 1. One line pasted at once, Enter included (each send is one write).
      ...RAW_LOGIN,
      { send: 'STAT\r' },
      { expect: `${STAT_OK}[\\s\\S]*pop3> ` },
      // 2. Several lines in one paste.
      ...reconnect,
      { send: 'USER alice\rPASS wonderland\rSTAT\r' },
      { expect: `${STAT_OK}[\\s\\S]*pop3> ` },
      // 3. The same with bracketed paste's markers around it.
      ...reconnect,
      { send: '\u001b[200~USER alice\rPASS wonderland\rSTAT\r\u001b[201~' },
      { expect: `${STAT_OK}[\\s\\S]*pop3> ` },
      // 4. APOP: the digest is the secret (RFC 1939 §7).
      ...reconnect,
      { send: `APOP alice ${DIGEST}\r` },
      { expect: '-ERR[\\s\\S]*pop3> ' },
      // 5. Lines ended by a Unicode line separator: node:readline takes the line with no Enter key.
      ...reconnect,
      { send: `USER alice${SEPARATOR}PASS wonderland${SEPARATOR}STAT\r` },
      { expect: `${STAT_OK}[\\s\\S]*pop3> ` },
      { send: '\u0004' },
      { expect: PROMPT },
    ];
    const { output } = runToExit(steps, { shape, args: ['--fast'] }, '\u0004');
    const screen = screenText(output, shape.cols);
    // From each `.raw` typed at the TypeScript prompt to the next.
    const sessions = screen.split(/^> \.raw$/m).slice(1);
    expect(sessions).toHaveLength(5);
    for (const [index, session] of sessions.entries()) {
      const name = `session ${index + 1}`;
      expect(session, name).not.toContain('wonderland');
      expect(session, name).not.toContain(DIGEST);
      const echoed = /^(?:pop3> )?((?:PASS|APOP) .*)$/m.exec(session)?.[1];
      expect(echoed, name).toBe(index === 3 ? 'APOP alice ***' : 'PASS ***');
      expect(session, name).toContain(`C: ${echoed}`);
      if (index !== 3) {
        // Logged in: the password went out as typed.
        expect(session, name).toContain("alice's maildrop has");
        expect(session, name).toMatch(/^(?:pop3> )?\+OK \d+ \d+$/m);
      }
    }
  }, 120_000);
});
