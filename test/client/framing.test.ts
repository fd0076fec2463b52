import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { LineTooLongError, MalformedReplyError, MessageTooLargeError } from '../../src/protocol';
import { fakeServerTest, GREETING, type FakePeer } from './fake-server';

/** Stuffs canonical CRLF text by hand (RFC 1939 §3), independently of src/protocol. */
function stuff(canonical: string): string {
  return `${canonical.split('\r\n').map((l, i, all) => (i === all.length - 1 ? l : l.startsWith('.') ? `.${l}\r\n` : `${l}\r\n`)).join('')}.\r\n`;
}

/**
 * A peer that answers each RETR with whatever reply the test queued, split as asked,
 * so one connection serves many cases.
 */
function replayServer(): { script: (peer: FakePeer) => Promise<void>; queue: { wire: Buffer; chunks: number[] | 'bytes' }[] } {
  const queue: { wire: Buffer; chunks: number[] | 'bytes' }[] = [];
  return {
    queue,
    script: async (peer) => {
      await peer.send(GREETING);
      for (;;) {
        const line = await peer.readLine();
        const next = queue.shift();
        if (!next) {
          await peer.send(`-ERR nothing queued for ${line}\r\n`);
          continue;
        }
        if (next.wire.length > 0) await peer.send(next.wire, next.chunks);
      }
    },
  };
}

describe.each(['tcp', 'memory'] as const)('over %s', (over) => {
  const it = fakeServerTest({ timeout: 2000 }, over);

  describe('framing is independent of how the network splits bytes', () => {
    const body = 'Subject: split\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nlast line\r\n';
    const reply = `+OK ${body.length} octets\r\n${stuff(body)}`;

    it('un-stuffs a reply split at every byte position, and the next reply stays in step', async ({ fake }) => {
      const replay = replayServer();
      await fake.start(replay.script);
      const pop = await fake.open();
      const wire = Buffer.from(reply);
      for (let at = 1; at < wire.length; at += 1) {
        replay.queue.push({ wire, chunks: [at] }, { wire: Buffer.from('+OK still in step\r\n'), chunks: [] });
        const message = await pop.retr(1);
        expect(message.text, `split at ${at}`).toBe(body);
        expect((await pop.noop()).line).toBe('+OK still in step');
      }
    });

    it('reads a reply delivered one byte at a time', async ({ fake }) => {
      const replay = replayServer();
      await fake.start(replay.script);
      const pop = await fake.open();
      replay.queue.push({ wire: Buffer.from(reply), chunks: 'bytes' });
      expect((await pop.retr(1)).text).toBe(body);
    });

    it('accepts a server that ends lines with bare LF', async ({ fake }) => {
      await fake.start([
        { send: '+OK ready\n' },
        { expect: 'LIST' },
        { send: '+OK\n1 10\n2 20\n.\n' },
        { expect: 'RETR 1' },
        { send: '+OK\nSubject: lf\n\n..x\nend\n.\n', chunks: [3, 5, 7] },
        { expect: 'NOOP' },
        { send: '+OK\n' },
      ]);
      const pop = await fake.open();
      expect(pop.greeting).toBe('+OK ready');
      expect(await pop.list()).toEqual([{ n: 1, size: 10 }, { n: 2, size: 20 }]);
      // Delivered as canonical CRLF, stuffing removed.
      expect((await pop.retr(1)).text).toBe('Subject: lf\r\n\r\n.x\r\nend\r\n');
      expect((await pop.noop()).ok).toBe(true);
    });

    it('un-stuffs any message bytes, however they are chunked (property)', async ({ fake }) => {
      const replay = replayServer();
      await fake.start(replay.script);
      const pop = await fake.open();
      // Lines of random octets (any but CR and LF), with leading dots made likely; latin1 keeps bytes as chars.
      const octets = fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b.filter((x) => x !== 0x0a && x !== 0x0d)).toString('latin1'));
      const line = fc.oneof(octets, fc.constantFrom('.', '..', '.\x00', '. '), octets.map((l) => `.${l}`));
      const message = fc.array(line, { maxLength: 12 }).map((lines) => lines.map((l) => `${l}\r\n`).join(''));
      await fc.assert(
        fc.asyncProperty(message, fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 6 }), fc.boolean(), async (text, chunks, bareLf) => {
          const stuffed = stuff(text);
          const wire = `+OK ${text.length} octets\r\n${bareLf ? stuffed.replace(/\r\n/g, '\n') : stuffed}`;
          replay.queue.push({ wire: Buffer.from(wire, 'latin1'), chunks });
          const got = await pop.retr(1);
          expect(got.bytes.equals(Buffer.from(text, 'latin1'))).toBe(true);
        }),
        { numRuns: 80 },
      );
    });

    it('streams the same bytes as retr, in any chunking (property)', async ({ fake }) => {
      const replay = replayServer();
      await fake.start(replay.script);
      const pop = await fake.open();
      const message = fc.array(fc.stringMatching(/^[.a-z ]{0,20}$/), { maxLength: 10 }).map((ls) => ls.map((l) => `${l}\r\n`).join(''));
      await fc.assert(
        fc.asyncProperty(message, fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 5 }), async (text, chunks) => {
          replay.queue.push({ wire: Buffer.from(`+OK\r\n${stuff(text)}`), chunks });
          const parts: Buffer[] = [];
          for await (const part of pop.retrStream(1)) parts.push(part);
          expect(Buffer.concat(parts).toString()).toBe(text);
        }),
        { numRuns: 30 },
      );
    });

    it('reads a multi-line body exactly when the command table says one follows', async ({ fake }) => {
      await fake.start([
        { send: GREETING },
        { expect: 'LIST 1' },
        { send: '+OK 1 120\r\n' },
        { expect: 'LIST' },
        { send: '+OK\r\n1 120\r\n.\r\n' },
        { expect: 'RETR 9' },
        { send: '-ERR no such message, only 1 message in maildrop\r\n' },
        { expect: 'NOOP' },
        { send: '+OK\r\n' },
      ]);
      const pop = await fake.open();
      expect(await pop.send('LIST 1')).toMatchObject({ ok: true, text: '1 120' });
      expect((await pop.send('LIST')).body?.toString()).toBe('1 120\r\n');
      const err = await pop.send('RETR 9');
      expect(err).toMatchObject({ ok: false, status: '-ERR', text: 'no such message, only 1 message in maildrop' });
      expect(err.body).toBeUndefined();
      expect((await pop.send('NOOP')).ok).toBe(true);
    });
  });

  describe('limits and malformed replies', () => {
    it('fails an over-long status line with LineTooLongError and closes', async ({ fake }) => {
      await fake.start([{ send: GREETING }, { expect: 'NOOP' }, { send: `+OK ${'x'.repeat(9000)}\r\n` }, { stall: true }]);
      const pop = await fake.open();
      const error = await pop.noop().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LineTooLongError);
      expect(pop.state).toBe('CLOSED');
    });

    it('fails a garbage status line with MalformedReplyError', async ({ fake }) => {
      await fake.start([{ send: GREETING }, { expect: 'STAT' }, { send: 'HTTP/1.1 400 Bad Request\r\n' }, { stall: true }]);
      const pop = await fake.open();
      const error = await pop.stat().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MalformedReplyError);
      expect((error as Error).message).toContain('HTTP/1.1 400');
    });

    it('fails a garbage greeting', async ({ fake }) => {
      await fake.start([{ send: 'SSH-2.0-OpenSSH_9.6\r\n' }, { stall: true }]);
      await expect(fake.open()).rejects.toBeInstanceOf(MalformedReplyError);
    });

    it('fails a malformed scan listing with MalformedReplyError', async ({ fake }) => {
      await fake.start([{ send: GREETING }, { expect: 'STAT' }, { send: '+OK many messages\r\n' }]);
      const pop = await fake.open();
      await expect(pop.stat()).rejects.toBeInstanceOf(MalformedReplyError);
    });

    it('stops a huge unterminated reply at maxMessageSize', async ({ fake }) => {
      await fake.start([
        { send: GREETING },
        { expect: 'RETR 1' },
        { run: async (peer) => {
          await peer.send('+OK\r\n');
          const line = Buffer.from(`${'y'.repeat(1000)}\r\n`);
          for (let i = 0; i < 200 && !peer.closed; i += 1) await peer.send(Buffer.concat(Array.from({ length: 10 }, () => line)));
        } },
      ]);
      const pop = await fake.open({ maxMessageSize: 100_000 });
      const error = await pop.retr(1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MessageTooLargeError);
      expect(pop.state).toBe('CLOSED');
    });

    it('stops a body line without any line break at the body-line limit', async ({ fake }) => {
      await fake.start([
        { send: GREETING },
        { expect: 'RETR 1' },
        { run: async (peer) => {
          await peer.send('+OK\r\n');
          const block = Buffer.alloc(64 * 1024, 0x7a);
          for (let i = 0; i < 40 && !peer.closed; i += 1) await peer.send(block);
        } },
      ]);
      const pop = await fake.open();
      await expect(pop.retr(1)).rejects.toBeInstanceOf(LineTooLongError);
    });

    it('accepts body lines far longer than a status line may be', async ({ fake }) => {
      const long = 'z'.repeat(100_000);
      await fake.start([{ send: GREETING }, { expect: 'RETR 1' }, { send: `+OK\r\n${long}\r\n.\r\n` }]);
      const pop = await fake.open();
      expect((await pop.retr(1)).size).toBe(long.length + 2);
    });

    it('rejects a 1 MB greeting of "<" quickly, without scanning it for an APOP timestamp', async ({ fake }) => {
      await fake.start([{ send: `+OK ${'<'.repeat(1024 * 1024)}\r\n` }, { stall: true }]);
      const started = performance.now();
      await expect(fake.open()).rejects.toBeInstanceOf(LineTooLongError);
      expect(performance.now() - started).toBeLessThan(1000);
    });
  });
});
