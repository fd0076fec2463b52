import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { Recoverable } from 'node:repl';
import { addedChunks } from '../../src/repl/added-chunks';
import { createEvaluator, EvalInterruptedError } from '../../src/repl/evaluator';
import { looksUnfinished } from '../../src/repl/recoverable';

const PROJECT = path.join(__dirname, '..', '..', 'tsconfig.json');

describe('the diff of compiled output', () => {
  it('returns only the lines new since the last compilation', () => {
    expect(addedChunks('a\nb\n', 'a\nb\nc\n')).toEqual(['c\n']);
    expect(addedChunks('', 'x\n')).toEqual(['x\n']);
    expect(addedChunks('a\nb\n', 'a\nb\n')).toEqual([]);
  });

  it('keeps earlier lines from running twice when the compiler rewrites one above them', () => {
    // An import elided until used appears above code that already ran.
    expect(addedChunks('"use strict";\nlet n = 1;\n', '"use strict";\nconst fs_1 = require("fs");\nlet n = 1;\n(0, fs_1.readFileSync)("x");\n')).toEqual([
      'const fs_1 = require("fs");\n',
      '(0, fs_1.readFileSync)("x");\n',
    ]);
  });

  it('ignores the source map comment', () => {
    expect(addedChunks('a\n//# sourceMappingURL=data:one', 'a\nb\n//# sourceMappingURL=data:two')).toEqual(['b\n']);
  });
});

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

  it('completes declared names and members, without Object.prototype noise', async () => {
    await ev.evalCode('const client = { retr() {}, retrStream() {}, quit() {} }');
    expect(ev.complete('client.re')).toEqual([['retr', 'retrStream'], 're']);
    expect(ev.complete('cli')).toEqual([['client'], 'cli']);
    expect(ev.complete('client.')[0]).not.toContain('hasOwnProperty');
  });
});
