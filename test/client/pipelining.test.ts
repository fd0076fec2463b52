import { describe, expect } from 'vitest';
import { fakeServerTest, GREETING } from './fake-server';

const it = fakeServerTest();

const reply = (n: number): string => `+OK\r\nSubject: message ${n}\r\n\r\n..body ${n}\r\n.\r\n`;

describe('replies are matched to commands strictly in order', () => {
  it('pipelines when the server advertises PIPELINING (RFC 2449 §6.6)', async ({ fake }) => {
    await fake.start([
      { send: GREETING },
      { expect: 'CAPA' },
      { send: '+OK\r\nPIPELINING\r\nTOP\r\n.\r\n' },
      // Every command arrives before any reply is sent: they were written together.
      { expect: 'RETR 1' },
      { expect: 'LIST 2' },
      { expect: 'RETR 2' },
      { expect: 'TOP 3 0' },
      { expect: 'NOOP' },
      { send: `${reply(1)}+OK 2 200\r\n${reply(2)}+OK\r\nSubject: message 3\r\n.\r\n+OK done\r\n`, chunks: [7, 30, 11, 50] },
    ]);
    const pop = await fake.open({ timeout: 2000 });
    expect((await pop.capa()).pipelining).toBe(true);
    const [one, scan, two, three, noop] = await Promise.all([pop.retr(1), pop.list(2), pop.retr(2), pop.top(3, 0), pop.noop()]);
    expect(one.text).toBe('Subject: message 1\r\n\r\n.body 1\r\n');
    expect(scan).toEqual({ n: 2, size: 200 });
    expect(two.subject).toBe('message 2');
    expect(three.text).toBe('Subject: message 3\r\n');
    expect(noop.text).toBe('done');
    await fake.done;
  });

  it('sends one command at a time without PIPELINING', async ({ fake }) => {
    const waitingWhileReplying: number[] = [];
    await fake.start(async (peer) => {
      await peer.send(GREETING);
      for (const n of [1, 2, 3]) {
        expect(await peer.readLine()).toBe(`RETR ${n}`);
        // Give a pipelining client time to write ahead; a serial one writes nothing.
        await new Promise((r) => setTimeout(r, 30));
        waitingWhileReplying.push(peer.pendingBytes);
        await peer.send(reply(n));
      }
    });
    const pop = await fake.open({ timeout: 2000 });
    const messages = await Promise.all([pop.retr(1), pop.retr(2), pop.retr(3)]);
    expect(messages.map((m) => m.subject)).toEqual(['message 1', 'message 2', 'message 3']);
    expect(waitingWhileReplying).toEqual([0, 0, 0]);
  });

  it('never pipelines when told not to', async ({ fake }) => {
    let pending = -1;
    await fake.start(async (peer) => {
      await peer.send(GREETING);
      expect(await peer.readLine()).toBe('CAPA');
      await peer.send('+OK\r\nPIPELINING\r\n.\r\n');
      expect(await peer.readLine()).toBe('NOOP');
      await new Promise((r) => setTimeout(r, 30));
      pending = peer.pendingBytes;
      await peer.send('+OK\r\n');
      expect(await peer.readLine()).toBe('NOOP');
      await peer.send('+OK\r\n');
    });
    const pop = await fake.open({ pipelining: false });
    await pop.capa();
    await Promise.all([pop.noop(), pop.noop()]);
    expect(pending).toBe(0);
  });

  it('keeps login commands out of a pipeline', async ({ fake }) => {
    let pending = -1;
    await fake.start(async (peer) => {
      await peer.send(GREETING);
      expect(await peer.readLine()).toBe('CAPA');
      await peer.send('+OK\r\nPIPELINING\r\nUSER\r\n.\r\n');
      expect(await peer.readLine()).toBe('USER alice');
      await new Promise((r) => setTimeout(r, 30));
      pending = peer.pendingBytes;
      await peer.send('-ERR [AUTH] no such user\r\n');
      expect(await peer.readLine()).toBe('PASS wonderland');
      await peer.send('-ERR [AUTH] USER first\r\n');
    });
    const pop = await fake.open();
    await pop.capa();
    const results = await Promise.allSettled([pop.user('alice'), pop.pass('wonderland')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(pending).toBe(0); // PASS waited for USER's reply
  });
});
