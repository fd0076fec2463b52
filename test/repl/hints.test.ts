import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteTarget } from '../../src/cli';
import { describeError } from '../../src/repl';
import { importedNames } from '../../src/repl/hint-context';
import { ROOT, startHarness } from './repl-harness';
import type { ReplHarness } from './repl-harness';

// Hints are never wrong: each one only where it applies, worded for the server the REPL talks to.
const LESSONS = path.join(ROOT, 'lessons');

describe('hints in fast mode, with the shipped lessons', () => {
  let h: ReplHarness;
  beforeAll(async () => {
    h = await startHarness({ fast: true, lessonsDir: LESSONS });
    await h.waitFor(/\n> $/);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('names the call behind a pending promise that was printed, and says to await it', async () => {
    const out = await h.run('connect(sandbox)');
    expect(out).toMatch(/^Promise \{/);
    expect(out).toContain('Hint: That is a pending `Promise`: `connect(…)` has not finished yet. Put `await` in front to get its result.');
    await h.run('.reset');
  });

  it('says where a name the lessons import comes from, instead of "not declared"', async () => {
    expect(await h.run("createHash('md5')")).toBe(
      "✘ ReferenceError: createHash is not defined\n  Hint: `createHash` comes from `node:crypto`: `import { createHash } from 'node:crypto'`, then use it.\n",
    );
    expect(await h.run('nothingLikeThis')).toMatch(/Hint: Not declared yet\./);
  });

  it('tells a rejection nothing awaited from an exception thrown in a callback', async () => {
    await h.run('const gone = await connect(sandbox)');
    await h.run('await gone.quit()');
    const since = h.output().length;
    await h.run('gone.noop()');
    const rejected = await h.waitFor('Put `await` in front of the call', since);
    expect(rejected).toMatch(/A promise was rejected and nothing awaited it:\n✘ cannot send NOOP: the connection is closed\n {2}Hint: [^\n]+\n {2}Hint: Put `await` in front of the call/);
    const later = h.output().length;
    await h.run("setTimeout(() => { throw new Error('thrown later') }, 5)");
    const thrown = await h.waitFor('✘ thrown later', later);
    expect(thrown).toContain('An exception was thrown in a callback (a timer or an event) and nothing caught it:\n✘ thrown later');
    expect(thrown).not.toContain('promise was rejected');
  });
});

describe('hints from the type checker', () => {
  let h: ReplHarness;
  beforeAll(async () => {
    h = await startHarness({ fast: false });
    await h.waitFor(/\n> $/);
    await h.repl.warmed;
    await h.run('const pop = await connect(sandbox)');
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('sees a forgotten await in a Promise<...> type error', async () => {
    expect(await h.run('const s = pop.stat(); s.count')).toMatch(/Promise<DropListing>.*\(TS2339\)\n {2}Hint: That is still a `Promise`: the call has not finished\. Put `await` in front/);
    expect(await h.run('for (const x of pop.list()) x')).toMatch(/\(TS2488\)\n {2}Hint: That is still a `Promise`/);
  });

  it('says "did you mean" for a property typo, without the type dump (and points to .type: piped input has no Tab)', async () => {
    expect(await h.run('await connect({ ...sandbox, prot: 1 })')).toBe(
      '✘ Type error: no property `prot` here. Did you mean `port`? (TS2353)\n  Hint: `.type` shows the names that exist, e.g. `.type pop`.\n',
    );
    expect(await h.run('pop.gretting')).toMatch(/^✘ Type error: no property `gretting` here\. Did you mean `greeting`\? \(TS2551\)/);
  });

  it('gives the message-number hint only for a message-number argument', async () => {
    expect(await h.run('await pop.dele("2")')).toContain('Hint: Message-numbers are numbers: `pop.dele(1)`, not `pop.dele("1")` (RFC 1939 §5).');
    expect(await h.run('await pop.top(1, "0")')).toContain("Hint: TOP's line count is a number too");
    const other = await h.run('Math.max("1")');
    expect(other).toMatch(/^✘ Type error: Argument of type 'string' is not assignable to parameter of type 'number'\. \(TS2345\)\n$/);
  });
});

describe('hints with another server (--server)', () => {
  it('never name the embedded sandbox, and point TLS failures at --ca FILE', async () => {
    const h = await startHarness({ fast: true });
    try {
      const { host, tlsPort, port } = h.embedded.sandbox;
      const other = await startHarness({ fast: true, embedded: h.embedded, target: remoteTarget({ host, port: tlsPort!, tls: true }) });
      try {
        const untrusted = await other.run('await connect(sandbox)');
        expect(untrusted).toMatch(/Hint: The certificate was not trusted by this computer: start the playground with `--ca FILE`/);
        expect(untrusted).not.toContain('sandbox.ca');
        const plain = await other.run(`await connect({ host: sandbox.host, port: ${port}, tls: true })`);
        expect(plain).toMatch(/Hint: No TLS came back: that port speaks plain POP3\. Implicit TLS has its own port, usually 995/);
        expect(plain).not.toContain('sandbox.tlsPort');
      } finally {
        await other.close();
      }
    } finally {
      await h.close();
    }
  });

  it('word the refused-password hint for a real provider', () => {
    const refused = Object.assign(new Error('-ERR [AUTH] no'), { code: 'ERR_REPLY', responseCode: 'AUTH' });
    expect(describeError(refused, { embedded: false, imports: new Map() }).hint).toMatch(/app password/);
    expect(describeError(refused).hint).toMatch(/sandbox\.accounts/);
  });
});

describe('the names lessons import', () => {
  it('are read from import lines and require destructuring, with their module', () => {
    const names = importedNames([
      "```ts\nimport { createHash } from 'node:crypto'\nimport { simpleParser as parse } from 'mailparser'\n```",
      "const { readFileSync, writeFileSync: write } = require('node:fs')",
      "import marked from 'marked'",
    ]);
    expect(Object.fromEntries(names)).toEqual({ createHash: 'node:crypto', parse: 'mailparser', readFileSync: 'node:fs', write: 'node:fs', marked: 'marked' });
  });
});
