import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteTarget, startEmbeddedTarget } from '../../src/cli';
import type { EmbeddedTarget } from '../../src/cli';
import { startHarness } from './repl-harness';
import type { ReplHarness } from './repl-harness';

// --server: the REPL talks to a POP3 server it does not run. Facts then come from the
// client's trace instead of the server's log.
let other: EmbeddedTarget;
let h: ReplHarness;
beforeAll(async () => {
  other = await startEmbeddedTarget();
  const { host, port, ca } = other.sandbox;
  h = await startHarness({ embedded: other, target: remoteTarget({ host, port, ca, user: 'alice', tls: false }) });
  await h.waitFor(/\n> $/);
});
afterAll(async () => {
  await h?.close();
  await other?.close();
});

describe('the REPL pointed at another server (--server)', () => {
  it('names the server and the user, and says it cannot prepare mailboxes', () => {
    const welcome = h.output();
    expect(welcome).toMatch(/Server: 127\.0\.0\.1:\d+, user alice\n/);
    expect(welcome).toContain('Accounts: alice\n');
    expect(welcome).toContain('Lessons cannot prepare mailboxes on this server');
  });

  it('checks goals from the client trace', async () => {
    await h.run('.lesson 2');
    await h.run('const pop = await connect(sandbox)');
    await h.run("await pop.user(sandbox.accounts[0]!.name)");
    expect(await h.run("await pop.pass('rabbit')")).toContain('✔ Try a wrong password and read the `-ERR`');
    await h.run("await pop.user('alice')");
    expect(await h.run("await pop.pass('wonderland')")).toContain('✔ Log in as alice');
    expect(await h.run('await pop.quit()')).toContain('✔ End a logged-in session politely');
  });
});
