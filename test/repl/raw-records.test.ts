import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from './repl-harness';
import type { ReplHarness } from './repl-harness';

let h: ReplHarness;
beforeAll(async () => {
  h = await startHarness({ fast: true });
  await h.waitFor(/\n> $/);
});
afterAll(async () => {
  await h?.close();
});

describe('raw-mode lines in the lesson facts', () => {
  it('records commands with their secrets redacted and SASL responses as *** (a * cancel kept), never upper-cased credentials', async () => {
    const typed: [string, RegExp][] = [
      ['.raw', /^Raw mode/],
      ['user alice', /^\+OK/],
      ['pass not the password', /^-ERR/],
      ['APOP alice 0123456789abcdef0123456789abcdef', /^-ERR/],
      ['AUTH LOGIN', /^\+ VXNlcm5hbWU6/],
      ['*', /^-ERR/],
      ['auth login', /^\+ VXNlcm5hbWU6/],
      ['YWxpY2U=', /^\+ UGFzc3dvcmQ6/],
      ['d29uZGVybGFuZA==', /^\+OK/],
      ['QUIT', /^\+OK/],
    ];
    for (const [line, reply] of typed) expect(await h.run(line)).toMatch(reply);
    const recorded = h.repl.runner.facts().repl.rawLines;
    expect(recorded).toEqual(['USER alice', 'PASS ***', 'APOP alice ***', 'AUTH LOGIN', '*', 'AUTH login', '***', '***', 'QUIT']);
    // The server's log agrees: it saw the same exchange, its responses redacted the same way.
    const sasl = h.repl.runner.facts().commands('AUTH').map((e) => e.text);
    expect(sasl).toEqual(['AUTH LOGIN', '*', 'auth login', '***', '***']);
  });

  it('redacts an initial response on the AUTH line itself', async () => {
    expect(await h.run('.raw')).toMatch(/^Raw mode/);
    expect(await h.run('AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=')).toMatch(/^\+OK/);
    expect(await h.run('QUIT')).toMatch(/^\+OK/);
    expect(h.repl.runner.facts().repl.rawLines.slice(-2)).toEqual(['AUTH PLAIN ***', 'QUIT']);
  });
});
