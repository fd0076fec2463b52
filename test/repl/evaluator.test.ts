import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Recoverable } from 'node:repl';
import { createEvaluator, EvalInterruptedError } from '../../src/repl/evaluator';
import { looksUnfinished } from '../../src/repl/recoverable';

const PROJECT = path.join(__dirname, '..', '..', 'tsconfig.json');

describe('unfinished input', () => {
  it('is told apart from a finished statement', () => {
    expect(looksUnfinished('for (const x of y) {')).toBe(true);
    expect(looksUnfinished('const s = "{"')).toBe(false);
    expect(looksUnfinished('f(1, [2,')).toBe(true);
    expect(looksUnfinished('f(1) // (')).toBe(false);
  });
});

describe('the fast evaluator', () => {
  const ev = createEvaluator({ project: PROJECT, fast: true, timeoutMs: 200 });
  ev.inject('answer', 'number', 42);

  it('evaluates TypeScript with top-level await, keeping bindings between inputs', async () => {
    expect((await ev.evalCode('const x: number = await Promise.resolve(answer)')).value).toBeUndefined();
    expect((await ev.evalCode('x + 1')).value).toBe(43);
    expect((await ev.evalCode('{ a: 1 }')).value).toEqual({ a: 1 });
    expect(ev.lookup('x')).toBe(42);
    expect(ev.lookup('nope')).toBeUndefined();
  });

  it('keeps a promise value a promise (a forgotten await shows)', async () => {
    const { value } = await ev.evalCode('Promise.resolve(1)');
    expect(typeof (value as Promise<number>).then).toBe('function');
  });

  it('asks for more input when a statement is unfinished', async () => {
    await expect(ev.evalCode('for (let i = 0; i < 2; i++) {')).rejects.toBeInstanceOf(Recoverable);
    expect((await ev.evalCode('let total = 0; for (let i = 0; i < 3; i++) {\n total += i\n}\ntotal')).value).toBe(3);
  });

  it('stops a runaway loop at the time limit', async () => {
    await expect(ev.evalCode('while (true) {}')).rejects.toBeInstanceOf(EvalInterruptedError);
    expect((await ev.evalCode('x')).value).toBe(42);
  });

  it('is stopped by a SIGINT from outside while a loop runs, and keeps its bindings', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-sigint-'));
    const flag = path.join(dir, 'spinning');
    const noTimeout = createEvaluator({ project: PROJECT, fast: true, timeoutMs: 0 });
    await noTimeout.evalCode('const kept = 7');
    // Signalled once the loop has started; the listener keeps a late signal from ending the test process.
    const ignore = (): void => {};
    process.on('SIGINT', ignore);
    const killer = spawn('sh', ['-c', `while [ ! -f '${flag}' ]; do sleep 0.05; done; kill -INT ${process.pid}`]);
    try {
      await expect(noTimeout.evalCode(`require('node:fs').writeFileSync(${JSON.stringify(flag)}, '1'); while (true) {}`)).rejects.toMatchObject({ code: 'EVAL_INTERRUPTED', message: 'interrupted by Ctrl-C' });
      expect((await noTimeout.evalCode('kept')).value).toBe(7);
    } finally {
      killer.kill();
      process.off('SIGINT', ignore);
    }
  });

  it('cancels a pending await when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = ev.evalCode('await new Promise(() => {})', { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });

  it('protects injected names, and a reset forgets everything else', async () => {
    await expect(ev.evalCode('answer = 1')).rejects.toThrow();
    expect(ev.lookup('answer')).toBe(42);
    ev.reset();
    expect(ev.lookup('x')).toBeUndefined();
    expect(ev.lookup('answer')).toBeUndefined();
    expect((await ev.evalCode('const x = "again"; x')).value).toBe('again');
  });

  it('lets a later input declare a const, let or class again: later inputs and closures see the new binding', async () => {
    await ev.evalCode('const n = 1; const readN = () => n');
    await ev.evalCode('const n = 2');
    expect((await ev.evalCode('readN()')).value).toBe(2);
    await ev.evalCode('let m = 1');
    await ev.evalCode('let m = "again"');
    expect((await ev.evalCode('m')).value).toBe('again');
    await ev.evalCode('class K { k = 1 }');
    await ev.evalCode('class K { k = 2 }');
    expect((await ev.evalCode('new K().k')).value).toBe(2);
    await expect(ev.evalCode('n = 3')).rejects.toThrow(/constant/);
  });

  it('keeps an imported name for later inputs, and lets it be imported again', async () => {
    await ev.evalCode("import { createHash } from 'node:crypto'");
    expect((await ev.evalCode("createHash('md5').update('').digest('hex')")).value).toBe('d41d8cd98f00b204e9800998ecf8427e');
    await ev.evalCode("import * as nodePath from 'node:path'; import fsDefault, { existsSync } from 'node:fs'");
    expect((await ev.evalCode("[nodePath.basename('/a/b'), typeof fsDefault.readFileSync, existsSync('/')]")).value).toEqual(['b', 'function', true]);
    await ev.evalCode("import { createHash } from 'node:crypto'");
  });

  it('leaves no name behind in the dead zone when its declaration threw', async () => {
    await expect(ev.evalCode("let broken = JSON.parse('{')")).rejects.toMatchObject({ name: 'SyntaxError' });
    expect((await ev.evalCode('let broken = 1; broken')).value).toBe(1);
  });

  it('refuses to declare an injected name again, as the checker would', async () => {
    ev.inject('answer', 'number', 42);
    await expect(ev.evalCode('const answer = 1')).rejects.toMatchObject({ diagnosticCodes: [2451] });
    expect(ev.lookup('answer')).toBe(42);
  });

  it('completes declared names and members, without Object.prototype noise', async () => {
    await ev.evalCode('const client = { retr() {}, retrStream() {}, quit() {} }');
    expect(ev.complete('client.re')).toEqual([['retr', 'retrStream'], 're']);
    expect(ev.complete('cli')).toEqual([['client'], 'cli']);
    expect(ev.complete('client.')[0]).not.toContain('hasOwnProperty');
  });
});
