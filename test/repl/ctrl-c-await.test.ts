import { describe, expect, it } from 'vitest';
import { plain, PROMPT, runInPty, TERMINALS } from './pty-harness';
import type { Step } from './pty-harness';

const at = (shape: { cols: number; colour: boolean }): string => `at ${shape.cols} columns, ${shape.colour ? 'with' : 'without'} colour`;

/**
 * A server of the learner's own, typed at the prompt: it greets and answers every command but
 * RETR, so `retr` waits for ever; `mute` accepts connections and never greets.
 */
const SERVERS =
  "const net = require('node:net'); " +
  "const stall = net.createServer((s) => { s.write('+OK hi\\r\\n'); s.on('data', (d) => { for (const l of String(d).split('\\r\\n')) if (l && !l.startsWith('RETR')) s.write('+OK\\r\\n') }) }).listen(0, '127.0.0.1'); " +
  "const mute = net.createServer(() => {}).listen(0, '127.0.0.1'); " +
  "await new Promise((r) => setTimeout(r, 100)); [stall.address().port, mute.address().port].join(' and ')\r";

describe.each(TERMINALS)('Ctrl-C during an await', (shape) => {
  it(`closes only the clients something waits on, names each, and keeps the idle ones (${at(shape)})`, () => {
    const steps: Step[] = [
      { expect: 'Goals:[\\s\\S]*> ', timeout: 30 },
      { send: SERVERS },
      { expect: "'(\\d+) and (\\d+)'" },
      { expect: PROMPT },
      { send: 'const idle = await connect(sandbox); await idle.user("alice"); await idle.pass("wonderland"); idle.state\r' },
      { expect: "'TRANSACTION'" },
      { expect: PROMPT },
      { send: "const busy = await connect({ host: '127.0.0.1', port: stall.address().port }); await busy.user('alice'); busy.state\r" },
      { expect: "'AUTHORIZATION'" },
      { expect: PROMPT },
      // RETR 4 goes first, RETR 3 waits behind it: one client, closed once, named by the oldest.
      { send: 'busy.retr(4).catch(() => {}); await busy.retr(3)\r' },
      { expect: 'retr\\(3\\)' },
      { send: '\u0003' },
      { expect: 'closed c\\d+: alice@127\\.0\\.0\\.1, waiting for RETR 4' },
      { expect: 'cancelled by Ctrl-C' },
      { expect: PROMPT },
      { send: '[idle.state, busy.state].join()\r' },
      { expect: "'TRANSACTION,CLOSED'" },
      { expect: PROMPT },
      // A connect that waits for a greeting is cancelled too.
      { send: "await connect({ host: '127.0.0.1', port: mute.address().port })\r" },
      { expect: 'port \\}\\)' },
      { send: '\u0003' },
      { expect: 'cancelled the connect to 127\\.0\\.0\\.1:\\d+' },
      { expect: 'cancelled by Ctrl-C' },
      { expect: PROMPT },
      { send: '(await idle.stat()).count > 0\r' },
      { expect: 'true' },
      { expect: PROMPT },
      { send: '\u0004' },
    ];
    const { output, status, stderr } = runInPty(steps, { shape, args: ['--fast'] });
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const text = plain(output);
    // The idle client was never named.
    expect(text.match(/closed c\d+:/g)).toHaveLength(1);
  }, 120_000);
});

describe('lines typed during a pending await', () => {
  it('run in order once it settles, and are dropped by Ctrl-C', () => {
    const steps: Step[] = [
      { expect: 'Goals:[\\s\\S]*> ', timeout: 30 },
      { send: 'let trail = "a"; await new Promise((r) => setTimeout(r, 400)); trail += "b"\r' },
      { send: 'trail += "c"\r' },
      { send: 'trail += "d"\r' },
      { expect: "'abcd'" },
      { expect: PROMPT },
      { send: 'await new Promise(() => {})\r' },
      { expect: '\\{\\}\\)' },
      { send: 'trail += "e"\r' },
      { send: 'trail += "f"\r' },
      { expect: 'trail \\+= "f"' },
      { send: '\u0003' },
      { expect: 'cancelled by Ctrl-C' },
      { expect: PROMPT },
      { send: 'trail\r' },
      { expect: "'abcd'" },
      { expect: PROMPT },
      { send: '\u0004' },
    ];
    const { output, status, stderr } = runInPty(steps, { args: ['--fast'] });
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(plain(output)).not.toContain("'abcde");
  }, 60_000);
});
