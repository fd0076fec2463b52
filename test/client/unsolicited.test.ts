import { describe, expect } from 'vitest';
import { formatTraceLine, type Pop3Client } from '../../src/client';
import type { TranscriptEntry } from '../../src/protocol';
import { fakeServerTest, GREETING, LOGIN_STEPS } from './fake-server';

/** Resolves once the client's connection has ended, whoever ended it. */
const closed = (pop: Pop3Client): Promise<void> => new Promise((resolve) => pop.onClose(resolve));

/** Settles every call, so that a test can look at what each one got. */
const settleAll = (calls: Promise<unknown>[]): Promise<PromiseSettledResult<unknown>[]> => Promise.allSettled(calls);

describe.each(['tcp', 'memory'] as const)('over %s', (over) => {
  const it = fakeServerTest({ timeout: 2000 }, over);

  describe('a line that arrives while no command waits is never the next reply (RFC 1939 §3)', () => {
    it('closes with UNSOLICITED_REPLY instead of handing a stray +OK to the next command', async ({ fake }) => {
      // The stray reply travels in the same write as NOOP's: read as the next reply, it would
      // make STAT return it, DELE get STAT's reply and QUIT get DELE's.
      await fake.start([
        { send: GREETING },
        ...LOGIN_STEPS,
        { expect: 'NOOP' },
        { send: '+OK\r\n+OK 0 0\r\n' },
        { run: async (peer) => {
          // Anything the client still sends is answered as a real server would.
          for (;;) {
            const line = await peer.readLine();
            await peer.send(line === 'STAT' ? '+OK 2 320\r\n' : '+OK\r\n');
          }
        } },
      ]);
      const entries: TranscriptEntry[] = [];
      const pop = await fake.open({ trace: (e) => entries.push(e) });
      await pop.user('alice');
      await pop.pass('wonderland');
      await pop.noop();
      const [stat, dele, quit] = await settleAll([pop.stat(), pop.dele(1), pop.quit()]);
      for (const result of [stat, dele, quit]) {
        expect(result).toMatchObject({ status: 'rejected', reason: { code: 'UNSOLICITED_REPLY', line: '+OK 0 0' } });
      }
      expect((stat as PromiseRejectedResult).reason.message).toBe(
        'unsolicited reply "+OK 0 0": the server sent it while no command was waiting for a reply (RFC 1939 §3); the connection was closed',
      );
      expect(fake.received).toEqual(['USER alice', 'PASS wonderland', 'NOOP']);
      expect(pop.state).toBe('CLOSED');
      const lines = entries.slice(-3).map((e) => formatTraceLine(e).replace(/^c\d+ /, ''));
      expect(lines).toEqual(['S: +OK', 'S: +OK 0 0', '*  CLOSE by the client: unsolicited reply (RFC 1939 §3)']);
    });

    it('notices a stray line that arrives on its own while the client is idle', async ({ fake }) => {
      let strayed!: () => void;
      const sent = new Promise<void>((resolve) => (strayed = resolve));
      await fake.start([
        { send: GREETING },
        { expect: 'NOOP' },
        { send: '+OK\r\n' },
        { run: async (peer) => {
          await peer.send('+OK 0 0\r\n', [3]);
          strayed();
          await peer.waitClose();
        } },
      ]);
      const pop = await fake.open();
      await pop.noop();
      await sent;
      await closed(pop);
      await expect(pop.stat()).rejects.toMatchObject({ code: 'UNSOLICITED_REPLY', line: '+OK 0 0' });
      expect(fake.received).toEqual(['NOOP']);
    });

    it('closes when unsolicited bytes follow the greeting', async ({ fake }) => {
      await fake.start([{ send: `${GREETING}+OK 0 0\r\n` }, { expectClose: true }]);
      const pop = await fake.open();
      await expect(pop.stat()).rejects.toMatchObject({ code: 'UNSOLICITED_REPLY', line: '+OK 0 0' });
      await fake.done;
    });

    it('ends the session when a single-line command gets a multi-line body, instead of leaking it into the next reply', async ({ fake }) => {
      // LIST 1 has a one-line reply (RFC 1939 §5); its "body" arrives while nothing waits.
      await fake.start([
        { send: GREETING },
        { expect: 'LIST 1' },
        { send: '+OK 1 120\r\n' },
        { send: '1 120\r\n.\r\n' },
        { run: async (peer) => {
          for (;;) await peer.send(`-ERR no ${await peer.readLine()} here\r\n`);
        } },
      ]);
      const pop = await fake.open();
      expect(await pop.list(1)).toEqual({ n: 1, size: 120 });
      await closed(pop);
      await expect(pop.noop()).rejects.toMatchObject({ code: 'UNSOLICITED_REPLY', line: '1 120' });
      expect(fake.received).toEqual(['LIST 1']);
    });

    it('reads a -ERR followed by the server closing as its farewell: calls fail with CONNECTION_CLOSED and serverMessage', async ({ fake }) => {
      let sayGoodbye!: () => void;
      const goodbye = new Promise<void>((resolve) => (sayGoodbye = resolve));
      let calledMeanwhile!: () => void;
      const called = new Promise<void>((resolve) => (calledMeanwhile = resolve));
      await fake.start([
        { send: GREETING },
        { expect: 'NOOP' },
        { send: '+OK\r\n' },
        { run: async (peer) => {
          await goodbye;
          // Dovecot's words when it logs out an idle client, then it closes.
          await peer.send('-ERR Disconnected for inactivity.\r\n');
          await called;
          peer.hangUp();
        } },
      ]);
      const entries: TranscriptEntry[] = [];
      let farewellSeen!: () => void;
      const farewell = new Promise<void>((resolve) => (farewellSeen = resolve));
      const pop = await fake.open({
        trace: (e) => {
          entries.push(e);
          if (e.text.startsWith('-ERR Disconnected')) farewellSeen();
        },
      });
      await pop.noop();
      sayGoodbye();
      await farewell;
      // Issued after the farewell and before the close: it waits, and is never sent.
      const meanwhile = pop.stat();
      calledMeanwhile();
      const error = await meanwhile.catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'CONNECTION_CLOSED',
        command: 'STAT',
        serverMessage: '-ERR Disconnected for inactivity.',
      });
      expect((error as Error).message).toBe(
        'the server closed the connection, saying "-ERR Disconnected for inactivity." while waiting for the reply to STAT',
      );
      await expect(pop.noop()).rejects.toMatchObject({ code: 'CONNECTION_CLOSED', command: 'NOOP', serverMessage: '-ERR Disconnected for inactivity.' });
      expect(fake.received).toEqual(['NOOP']);
      expect(entries.slice(-2).map((e) => formatTraceLine(e).replace(/^c\d+ /, ''))).toEqual([
        'S: -ERR Disconnected for inactivity.',
        '*  CLOSE by the server after its farewell',
      ]);
    });

    it('takes a -ERR after which the server stays open for an unsolicited reply', async ({ fake }) => {
      await fake.start([
        { send: GREETING },
        { expect: 'NOOP' },
        { send: '+OK\r\n-ERR something happened\r\n' },
        { expectClose: true },
      ]);
      const pop = await fake.open();
      await pop.noop();
      const later = pop.stat();
      await expect(later).rejects.toMatchObject({ code: 'UNSOLICITED_REPLY', line: '-ERR something happened' });
      await fake.done;
      expect(fake.received).toEqual(['NOOP']);
    });

    it('makes control characters in an unsolicited line visible', async ({ fake }) => {
      await fake.start([{ send: GREETING }, { expect: 'NOOP' }, { send: '+OK\r\n+OK \x1b[2J\u009b31m\u202e\r\n' }, { expectClose: true }]);
      const pop = await fake.open();
      await pop.noop();
      const error = (await pop.noop().catch((e: unknown) => e)) as Error & { line: string };
      expect(error.line).toBe('+OK ␛[2J<U+009B>31m<U+202E>');
      expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    });
  });

  describe('what is not unsolicited', () => {
    it('keeps a line that comes early in an open SASL exchange for the next SASL response (RFC 5034 §4)', async ({ fake }) => {
      await fake.start([
        { send: GREETING },
        { expect: 'AUTH PLAIN' },
        // The server gives up on the exchange before the client has answered the prompt.
        { send: '+ \r\n-ERR [AUTH] too slow\r\n' },
        { expect: '*' },
        { expect: 'NOOP' },
        { send: '+OK\r\n' },
      ]);
      const pop = await fake.open();
      expect(await pop.send('AUTH PLAIN')).toMatchObject({ status: '+' });
      expect(await pop.send('*')).toMatchObject({ status: '-ERR', code: 'AUTH' });
      expect((await pop.send('NOOP')).ok).toBe(true);
    });

    it('reads replies that share a write with the reply before them when the commands were pipelined', async ({ fake }) => {
      await fake.start([
        { send: GREETING },
        { expect: 'CAPA' },
        { send: '+OK\r\nPIPELINING\r\n.\r\n' },
        { expect: 'NOOP' },
        { expect: 'STAT' },
        { send: '+OK\r\n+OK 2 320\r\n' },
      ]);
      const pop = await fake.open();
      await pop.capa();
      const [noop, stat] = await Promise.all([pop.noop(), pop.stat()]);
      expect(noop.line).toBe('+OK');
      expect(stat).toEqual({ count: 2, size: 320 });
    });
  });
});
