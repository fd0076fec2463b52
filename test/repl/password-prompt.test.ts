import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { plain, PROMPT, runInPty } from './pty-harness';

/** Every file under `dir`, read as text. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [readFileSync(file, 'latin1')];
  });
}

describe('--user NAME without a password, at a terminal', () => {
  it('asks for the password without echo, keeps it in memory for sandbox.accounts, and never shows or stores it', () => {
    // No connection is made at start, so the server need not exist.
    const { output, status, stderr, stateDir } = runInPty(
      [
        { expect: 'Password for alice at 127\\.0\\.0\\.1:1 \\(not shown, not stored; Enter for none\\): ', timeout: 30 },
        { send: 'secrex\u007ft\r' },
        { expect: 'Accounts: alice\\b[\\s\\S]*Goals:[\\s\\S]*> ', timeout: 30 },
        { send: '[...sandbox.accounts[0]!.password!].reverse().join("")\r' },
        { expect: "'terces'" },
        { expect: PROMPT },
        { send: '\u0004' },
      ],
      { args: ['--fast', '--server', '127.0.0.1:1', '--user', 'alice'] },
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(plain(output)).not.toMatch(/secre/);
    for (const text of filesUnder(stateDir)) expect(text).not.toMatch(/secre/);
  }, 60_000);

  it('ends the playground on Ctrl-C at the prompt', () => {
    const { output, status } = runInPty([{ expect: 'Password for alice', timeout: 30 }, { send: 'abc\u0003' }], {
      args: ['--server', '127.0.0.1:1', '--user', 'alice'],
    });
    expect(plain(output)).not.toContain('Goals:');
    expect(status).toBe(0);
  }, 60_000);
});
