import { describe, expect, it } from 'vitest';
import { ReplScope } from '../../site/runtime/repl-scope';
import { ReplSyntaxError, compileStatement, splitInputs } from '../../site/runtime/repl-transform';

const modules: Record<string, unknown> = { 'node:crypto': { createHash: (algorithm: string) => `hash:${algorithm}` }, lib: { default: 'the default', named: 42 } };
const lookup = async (specifier: string): Promise<unknown> => {
  if (!(specifier in modules)) throw new Error(`Cannot find module '${specifier}'`);
  return modules[specifier];
};

async function run(scope: ReplScope, lines: string[]): Promise<unknown[]> {
  const values: unknown[] = [];
  for (const input of splitInputs(lines)) values.push(await scope.evaluate(input));
  return values;
}

describe('the page REPL: one scope per page, statements as node:repl runs them', () => {
  it('keeps declarations between statements, strips types, awaits at top level and returns a final expression', async () => {
    const scope = new ReplScope({ connect: async (n: number) => ({ n }) }, lookup);
    const values = await run(scope, ['const pop: { n: number } = await connect(3)', 'let count = pop.n!', 'count += 1', 'count', 'pop']);
    expect(values).toEqual([undefined, undefined, 4, 4, { n: 3 }]);
    expect(scope.lookup('count')).toBe(4);
  });

  it('runs each line alone: a line starting with ( is not a call of the line before', async () => {
    const scope = new ReplScope({}, lookup);
    expect(await run(scope, ['const list = [1, 2, 3]', 'list.length', '(list).map((n) => n * 2)'])).toEqual([undefined, 3, [2, 4, 6]]);
  });

  it('takes the lines of an unfinished statement together, and functions see names declared later', async () => {
    const scope = new ReplScope({}, lookup);
    const lines = ['async function twice<T>(f: () => Promise<T>): Promise<T[]> {', '  return [await f(), await f()]', '}', 'const one = async () => base', 'const base = 1', 'await twice(one)'];
    expect(splitInputs(lines)).toHaveLength(4);
    expect(await run(scope, lines)).toEqual([undefined, undefined, undefined, [1, 1]]);
  });

  it('imports named, default and namespace bindings from the page’s modules, and refuses unknown ones', async () => {
    const scope = new ReplScope({}, lookup);
    await run(scope, ["import { createHash } from 'node:crypto'", "import fallback, * as everything from 'lib'"]);
    expect(await scope.evaluate("createHash('md5')")).toBe('hash:md5');
    expect(await scope.evaluate('[fallback, everything.named]')).toEqual(['the default', 42]);
    await expect(scope.evaluate("import { x } from 'fs-extra'")).rejects.toThrow("Cannot find module 'fs-extra'");
  });

  it('refuses to reassign a const or an injected name, and to declare a let twice', async () => {
    const scope = new ReplScope({ sandbox: { host: '127.0.0.1' } }, lookup);
    await scope.evaluate('const pop = 1');
    await expect(scope.evaluate('pop = 2')).rejects.toThrow('Assignment to constant variable.');
    await expect(scope.evaluate('sandbox = null')).rejects.toThrow('Assignment to constant variable.');
    await scope.evaluate('let n = 1');
    await expect(scope.evaluate('let n = 2')).rejects.toThrow("Identifier 'n' has already been declared");
    expect(await scope.evaluate('n')).toBe(1);
  });

  it('lets a declaration whose statement threw be typed again', async () => {
    const scope = new ReplScope({}, lookup);
    await expect(scope.evaluate("const broken = (() => { throw new Error('no') })()")).rejects.toThrow('no');
    await scope.evaluate('const broken = 2');
    expect(scope.lookup('broken')).toBe(2);
  });

  it('reports a syntax error, and knows unfinished input from broken input', () => {
    expect(() => compileStatement('foo bar')).toThrow(ReplSyntaxError);
    for (const [source, incomplete] of [['foo bar', false], ['function f() {', true], ['const s = `abc', true], ['const x = (1 +', true]] as const) {
      try {
        compileStatement(source);
        expect.unreachable(source);
      } catch (error) {
        expect((error as ReplSyntaxError).incomplete, source).toBe(incomplete);
      }
    }
  });
});
