import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from './repl-harness';
import type { ReplHarness } from './repl-harness';

// Type-checked evaluation: the checker's first run costs most of a second, so one REPL serves the file.
let h: ReplHarness;
beforeAll(async () => {
  h = await startHarness({ fast: false });
  await h.waitFor(/\n> $/);
  await h.repl.warmed;
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe('type-checked evaluation', () => {
  it('says so in the welcome', () => {
    expect(h.output()).toContain('Type checking is on (--fast skips it).');
  });

  it('knows the injected names, so `await connect(sandbox)` just works', async () => {
    expect(await h.run('const pop = await connect(sandbox)')).not.toContain('Type error');
    expect(await h.run('sandbox.accounts[0]?.name')).toBe("'alice'\n");
  });

  it('teaches with type errors: message-numbers are numbers', async () => {
    expect(await h.run('await pop.retr("1")')).toBe(
      "✘ Type error: Argument of type 'string' is not assignable to parameter of type 'number'. (TS2345)\n" +
        '  Hint: Message-numbers are numbers: `pop.retr(1)`, not `pop.retr("1")` (RFC 1939 §5).\n',
    );
  });

  it('rejects a call to a method that does not exist, with a hint to use .type (piped input has no Tab)', async () => {
    expect(await h.run('pop.fetchAll()')).toMatch(/^✘ Type error: Property 'fetchAll' does not exist on type 'Pop3Client'\. \(TS2339\)\n {2}Hint: `\.type` shows what exists, e\.g\. `\.type pop`\./);
  });

  it('shows types with .type', async () => {
    expect(await h.run('.type pop.stat')).toMatch(/^\(method\) Pop3Client\.stat\(options\?: CommandOptions\): Promise<DropListing>\n$/);
  });

  it('protects the injected names', async () => {
    expect(await h.run('sandbox = null as any')).toMatch(/^✘ Type error: Cannot assign to 'sandbox' because it is a constant\. \(TS2588\)/);
    expect(await h.run('await pop.quit()')).toContain("status: '+OK'");
  });

  it('lets a later line declare a name again, the new binding replacing the old for later lines and closures', async () => {
    expect(await h.run('const pick = () => pop.state')).toBe('');
    expect(await h.run('const pop = { state: "mine" }')).toBe('');
    expect(await h.run('pop.state')).toBe("'mine'\n");
    expect(await h.run('pick()')).toBe("'mine'\n");
    expect(await h.run('class Box { a = 1 }')).toBe('');
    expect(await h.run('class Box { b = 2 }')).toBe('');
    expect(await h.run('new Box()')).toBe('Box { b: 2 }\n');
    expect(await h.run("import { createHash } from 'node:crypto'")).toBe('');
    expect(await h.run("createHash('md5').update('x').digest('hex').length")).toBe('32\n');
    expect(await h.run("import { createHash } from 'node:crypto'")).toBe('');
  });

  it('still refuses to declare an injected name again, with a hint', async () => {
    expect(await h.run('const sandbox = 1')).toMatch(/^✘ Type error: Cannot redeclare block-scoped variable 'sandbox'\. \(TS2451\)\n {2}Hint: /);
    expect(await h.run('.clear')).toMatch(/^Variables forgotten/);
    expect(await h.run('const pop = 1; pop')).toBe('1\n');
  });
});
