import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from './repl-harness';
import type { ReplHarness } from './repl-harness';

// One REPL for the whole file (fast mode): each test picks up where the last left off.
let h: ReplHarness;
beforeAll(async () => {
  h = await startHarness({ fast: true, evalTimeoutMs: 300 });
  await h.waitFor(/\n> $/);
});
afterAll(async () => {
  await h?.close();
});

describe('the guided REPL, driven through streams', () => {
  it('welcomes with the server and the first lesson, its opening and its goals unmet; .lessons shows the menu, .lesson the whole lesson', async () => {
    const welcome = h.output();
    expect(welcome).toMatch(/^POP3 playground/);
    expect(welcome).toMatch(/Server: the sandbox on 127\.0\.0\.1:\d+/);
    expect(welcome).toContain('alice/wonderland');
    expect(welcome).toContain('-- Lesson 1 of 2: First contact --');
    // The text up to the first section, then the goals: a first screen fits 40 lines.
    expect(welcome).toContain('The server speaks first.');
    expect(welcome).not.toContain('By hand, as over telnet');
    expect(welcome).toContain('(.lesson shows the whole lesson)\nGoals:\n  ✘ Type `.raw` to connect by hand and read the greeting');
    expect(welcome).not.toContain('1. First contact');
    expect(welcome).not.toMatch(/\u001b\[/);
    const menu = await h.run('.lessons');
    expect(menu).toContain('▶  1. First contact');
    expect(menu).toContain('·  2. USER and PASS');
    const whole = await h.run('.lesson');
    expect(whole).toContain('-- Lesson 1 of 2: First contact --');
    expect(whole).toContain('## By hand, as over telnet');
    expect(whole).toContain('Goals:\n  ✘ Type `.raw` to connect by hand and read the greeting');
    expect(whole).not.toContain('(.lesson shows the whole lesson)');
  });

  it('lists its dot-commands with .help', async () => {
    const out = await h.run('.help');
    for (const name of ['.lessons', '.lesson', '.next', '.prev', '.hint', '.check', '.solution', '.reset', '.trace', '.raw', '.progress', '.exit']) {
      expect(out).toContain(`  ${name}`);
    }
  });

  it('reveals hints one tier at a time', async () => {
    expect(await h.run('.hint')).toMatch(/^Hint 1\/2 for "Type `.raw`/);
    expect(await h.run('.hint')).toMatch(/^Hint 2\/2 for "Type `.raw`/);
    expect(await h.run('.hint')).toMatch(/^No more hints for this goal/);
  });

  it('explains every unmet goal on .check, and opens the lines of the first one once its hints are seen', async () => {
    const check = await h.run('.check');
    expect(check).toContain('  ✘ Type `.raw` to connect by hand and read the greeting\n      No `.raw` session was opened yet: this goal is about connecting by hand.\n');
    expect(check).toContain('  ✘ Read the greeting the client received: `pop.greeting`\n      Connect with the client first.\n');
    // Both hint tiers of the first goal were shown above, so its lines open (and no others).
    expect(await h.run('.solution')).toBe('The lines for "Type `.raw` to connect by hand and read the greeting":\n  .raw\n');
  });

  it('speaks raw POP3 and flips goals from cross to tick as they are met', async () => {
    const enter = await h.run('.raw');
    expect(enter).toMatch(/^Raw mode: connected to 127\.0\.0\.1:\d+/);
    expect(enter).toMatch(/\n\+OK .*\n/);
    expect(enter).toContain('✔ Type `.raw` to connect by hand and read the greeting (1/5)\n');
    const capa = await h.run('CAPA');
    expect(capa).toMatch(/^\+OK[^\n]*\n(?:[^\n]+\n)+\.\n/);
    const quit = await h.run('QUIT');
    expect(quit).toMatch(/^\+OK /);
    expect(quit).toContain('Left raw mode; back to TypeScript.');
    // Just the goal that moved, with how many are done; the whole list waits for .check.
    expect(quit).toContain('✔ In raw mode, end the session by typing `QUIT` (2/5)\n');
    expect(quit).not.toContain('At the TypeScript prompt, connect with the client');
    expect(await h.run('.check')).toContain('✘ At the TypeScript prompt, connect with the client');
  });

  it('replays a piped transcript in order: an awaited binding is there on the next line', async () => {
    const since = h.output().length;
    for (const line of ['const pop = await connect(sandbox)', 'pop.greeting.slice(0, 3)', 'pop.greeting.length > 0', 'console.log(pop.greeting)', 'const reply = await pop.quit()', 'reply.status']) h.send(line);
    const out = await h.waitFor(/reply\.status\n'\+OK'\n[\s\S]*> $/, since);
    expect(out).toContain("pop.greeting.slice(0, 3)\n'+OK'\n");
    expect(out).toContain('✔ Say goodbye with the client: `await pop.quit()`');
    expect(out).toContain('Lesson 1 complete!');
  });

  it('shows the whole solution after a pass', async () => {
    expect(await h.run('.solution')).toMatch(/^The solution, to compare notes:\n {2}\.raw\n {2}CAPA\n {2}QUIT\n/);
    expect(await h.run('.check')).toContain('Lesson 1 is finished.');
    expect(await h.run('.lessons')).toContain('▶  1. First contact (finished)');
  });

  it('turns mistakes into one friendly line with a hint, and keeps going', async () => {
    expect(await h.run('throw new Error("boom")')).toBe('✘ boom\n');
    expect(await h.run('undefinedName')).toMatch(/^✘ ReferenceError: undefinedName is not defined\n {2}Hint: Not declared yet/);
    expect(await h.run('const c = await connect(sandbox)')).toBe('');
    expect(await h.run('await c.retr(1)')).toMatch(/^✘ The server answered RETR 1: -ERR .*TRANSACTION.*\n {2}Hint: /);
    expect(await h.run('await c.quit()')).toContain("status: '+OK'");
    expect(await h.run('await c.noop()')).toMatch(/^✘ .*\n {2}Hint: (This client is closed|The connection is gone)/);
    expect(await h.run('c.noop()')).toMatch(/^Promise \{/);
    await h.waitFor('A promise was rejected and nothing awaited it:');
    expect(await h.run('1 + 1')).toBe('2\n');
  });

  it('stops a runaway loop and keeps the variables', async () => {
    await h.run('let kept = 41');
    const out = await h.run('while (true) {}');
    expect(out).toMatch(/^✘ stopped after 300 ms \(the evaluation limit\)\n {2}Hint: Your variables and progress are kept/);
    expect(await h.run('kept + 1')).toBe('42\n');
  });

  it('cancels a pending await on interrupt (Ctrl-C)', async () => {
    const since = h.output().length;
    h.send('await new Promise(() => {})');
    await h.waitFor('await new Promise(() => {})\n', since);
    expect(h.repl.interrupt()).toBe(true);
    const out = await h.waitFor(/\n> $/, since);
    expect(out).toContain('✘ cancelled by Ctrl-C\n  Hint: Cancelled.');
    expect(await h.run('kept')).toBe('41\n');
  });

  it('makes escape sequences in mail visible instead of executing them', async () => {
    await h.embedded.sandbox.resetMailbox('bob', [{ bytes: Buffer.from('Subject: \u001b]0;pwned\u0007hi\r\n\r\nbody \u001b[2J\u009b31m end\r\n') }]);
    await h.run('const b = await connect(sandbox)');
    await h.run("await b.user('bob'); await b.pass('builder')");
    const out = await h.run('console.log((await b.retr(1)).text)');
    expect(out).toContain('Subject: \\x1b]0;pwned\\x07hi');
    expect(out).toContain('body \\x1b[2J\\x9b31m end');
    expect(out).not.toMatch(/[\u001b\u0007\u009b]/);
    await h.run('await b.quit()');
  });

  it('shows the live dialogue with .trace on, the password hidden', async () => {
    expect(await h.run('.trace on')).toMatch(/^Trace on/);
    await h.run('const t = await connect(sandbox)');
    await h.run("await t.user('alice')");
    const out = await h.run("await t.pass('wonderland')");
    expect(out).toContain('C: PASS ***');
    expect(out).toMatch(/S: \+OK /);
    expect(h.output()).not.toContain('PASS wonderland');
    expect(await h.run('.trace off')).toBe('Trace off.\n');
  });

  it('closes its sessions on .next, so the next login never meets [IN-USE]', async () => {
    // `t` from the last test still holds alice's maildrop.
    const next = await h.run('.next');
    expect(next).toMatch(/\(closed \d+ open sessions?\)/);
    expect(next).toContain('-- Lesson 2 of 2: USER and PASS --');
    await h.run('const pop = await connect(sandbox)');
    await h.run("await pop.user('alice')");
    expect(await h.run("await pop.pass('wonderland')")).toContain("maildrop has");
  });

  it('resets the lesson: sessions closed, mailbox restored, variables forgotten', async () => {
    await h.run('await pop.dele(1)');
    const reset = await h.run('.reset');
    expect(reset).toContain('(closed 1 open session)');
    expect(reset).toContain('Lesson 2 reset');
    expect(await h.run('typeof pop')).toBe("'undefined'\n");
    await h.run('const pop = await connect(sandbox)');
    await h.run("await pop.user('alice')");
    await h.run("await pop.pass('wonderland')");
    expect(await h.run('(await pop.stat()).count')).toBe('15\n');
    await h.run('await pop.quit()');
  });

  it('asks before forgetting all progress', async () => {
    expect(await h.run('.reset all')).toMatch(/^This forgets ALL progress in .*progress\.json\. Type \.reset all confirm to go ahead\./);
    expect(await h.run('.progress')).toMatch(/^Progress: 1 of 2 lessons done\.\nSaved in .*progress\.json\n {2}✔ {2}1\. First contact/);
  });

  it('completes names, methods and dot-commands', async () => {
    await h.run('const done = await connect(sandbox)');
    const complete = (line: string): Promise<string[]> =>
      new Promise((resolve, reject) => {
        const server = h.repl.server as unknown as { completer(line: string, cb: (err: Error | null, result: [string[], string]) => void): unknown };
        const direct = server.completer(line, (err, result) => (err ? reject(err) : resolve(result[0])));
        if (Array.isArray(direct)) resolve(direct[0] as string[]);
      });
    const methods = await complete('done.re');
    expect(methods).toEqual(['retr', 'retrStream']);
    expect(methods).not.toContain('hasOwnProperty');
    expect(await complete('.le')).toEqual(['.lessons', '.lesson']);
    expect(await complete('.trace o')).toEqual(['on', 'off']);
    expect(await complete('sand')).toEqual(['sandbox']);
    await h.run('await done.quit()');
  });
});
