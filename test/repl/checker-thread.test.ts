import { existsSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCheckerThread } from '../../src/repl/checker-thread';
import type { CheckerThread } from '../../src/repl/checker-thread';
import { TsDiagnosticError } from '../../src/repl/ts-error';

const PROJECT = path.join(__dirname, '..', '..', 'tsconfig.json');
const VIRTUAL = path.join(__dirname, '<repl>.ts');
const PRELUDE = 'export {};\ndeclare const greeting: string;\n';

/** The diagnostic codes a check rejected with (none when it passed). */
async function codesOf(thread: CheckerThread, code: string): Promise<number[]> {
  try {
    const { accept } = await thread.check(code, false);
    accept();
    return [];
  } catch (error) {
    if (error instanceof TsDiagnosticError) return error.diagnosticCodes;
    throw error;
  }
}

let thread: CheckerThread | undefined;
afterEach(() => thread?.close());

describe('the checker on a thread of its own', () => {
  it('checks, compiles and keeps inputs in order, admits inputs that already ran, and tells types', async () => {
    thread = startCheckerThread(PROJECT, VIRTUAL);
    thread.setPrelude(PRELUDE);
    expect(thread.ready).toBe(false);
    // Sent before the program is built: answered once it is, in order.
    const admitted = thread.admit('const early: number = greeting;\n');
    const checked = thread.check('const n: number = early + 1; n\n', true);
    expect((await admitted)?.diagnosticCodes).toEqual([2322]);
    const { js, accept } = await checked;
    expect(thread.ready).toBe(true);
    expect(js).toContain('const n = early + 1');
    accept();
    expect(await codesOf(thread, 'const s: string = n;\n')).toEqual([2322]);
    // A refused input is not taken in: its name is unknown to the next.
    expect(await codesOf(thread, 'const t: string = s;\n')).toEqual([2304]);
    // Declared again: the earlier one is renamed, as the runtime's REPL mode allows.
    expect(await codesOf(thread, 'const n = "again";\n')).toEqual([]);
    expect(await thread.typeOf('n')).toBe('const n: "again"');
    // Loops in compiled input get the Ctrl-C check when asked.
    expect((await thread.check('for (;;) break;\n', true)).js).toContain('pop3-playground.loop-check');
    thread.reset();
    expect(await codesOf(thread, 'const n: number = 1; greeting.length + n\n')).toEqual([]);
  }, 60_000);

  it('rebuilds the checker here from what it was told when its thread fails, and answers what was waiting', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-checker-'));
    thread = startCheckerThread(PROJECT, path.join(dir, '<repl>.ts'), path.join(__dirname, 'fixtures', 'checker-worker-that-fails.ts'));
    thread.setPrelude(PRELUDE);
    const first = await thread.check('const kept: number = greeting.length;\n', false);
    // The third request (this accept) ends the thread before it is answered.
    first.accept();
    const { js } = await thread.check('const more: number = kept * 2; more\n', false);
    expect(existsSync(path.join(dir, 'thread-ended'))).toBe(true);
    expect(js).toContain('const more = kept * 2');
    expect(await codesOf(thread, 'const wrong: string = kept;\n')).toEqual([2322]);
    expect(await thread.typeOf('kept')).toBe('const kept: number');
  }, 60_000);
});
