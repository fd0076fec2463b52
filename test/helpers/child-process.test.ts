import { afterEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { killHard, printedSoFar, runProgram, startProgram, waitForExit, waitForLine, waitForOutput } from './child-process';

/** A Node one-liner as a program. */
const node = (script: string): [string, string[]] => [process.execPath, ['-e', script]];

const started: ChildProcess[] = [];
const start = (script: string): ChildProcess => {
  const child = startProgram(...node(script), { stdin: 'pipe' });
  started.push(child);
  return child;
};

afterEach(async () => {
  await Promise.all(started.splice(0).map(killHard));
});

describe('runProgram', () => {
  it('feeds stdin and resolves with the exit code and both outputs, also for a failure', async () => {
    const result = await runProgram(...node("process.stdin.on('data', (d) => process.stdout.write(`got ${d}`)); process.stdin.on('end', () => { console.error('done'); process.exit(3); })"), { input: 'abc' });
    expect({ code: result.code, stdout: result.stdout.toString(), stdoutOctets: result.stdoutOctets, stderr: result.stderr.toString() }).toEqual({
      code: 3,
      stdout: 'got abc',
      stdoutOctets: 7,
      stderr: 'done\n',
    });
  });

  it('counts stdout without keeping it when asked', async () => {
    const result = await runProgram(...node("process.stdout.write('x'.repeat(100000))"), { stdout: 'count' });
    expect([result.code, result.stdout.length, result.stdoutOctets]).toEqual([0, 0, 100_000]);
  });

  it('kills a program that runs too long and says what it printed', async () => {
    await expect(runProgram(...node("console.log('still here'); setInterval(() => {}, 1000)"), { timeoutMs: 3000 })).rejects.toThrow(/did not finish within 3000 ms\nstdout: still here/);
  });
});

describe('waiting on a started program', () => {
  it('reads stdout lines in order, each wait on from the line the last one matched, lines printed before it included', async () => {
    const child = start("console.log('one 1'); console.log('two 2'); console.log('one 3'); process.stdin.resume()");
    await waitForOutput(child, /one 3\n$/);
    expect((await waitForLine(child, /^one (\d)$/))[1]).toBe('1');
    expect((await waitForLine(child, /^one (\d)$/))[1]).toBe('3');
    child.stdin?.end(); // the program ends with its input
    await expect(waitForLine(child, /^one (\d)$/)).rejects.toThrow(/^the process ended \(code 0, signal null\) before a line matching/);
  });

  it('rejects when the program ends first, showing what it printed', async () => {
    const child = start("console.log('starting'); console.error('cannot listen'); process.exit(2)");
    await expect(waitForLine(child, /^ready$/)).rejects.toThrow(/^the process ended \(code 2, signal null\) before a line matching \/\^ready\$\/; stdout: "starting\\n"; stderr: "cannot listen\\n"$/);
  });

  it('waits for a prompt that ends no line, from an offset of the output', async () => {
    const child = start("process.stdout.write('> '); process.stdin.on('data', (d) => process.stdout.write(`${String(d).trim().toUpperCase()}\\n> `))");
    await waitForOutput(child, /^> $/);
    const since = printedSoFar(child).length;
    child.stdin?.write('noop\n');
    const [echo] = await waitForOutput(child, /^NOOP\n> $/, since);
    expect(echo).toBe('NOOP\n> ');
    child.stdin?.end();
    await waitForExit(child);
    expect(printedSoFar(child)).toBe('> NOOP\n> ');
  });
});
