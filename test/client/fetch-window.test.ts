import { describe, expect } from 'vitest';
import { fetchNew } from '../../src/client';
import { fakeServerTest, GREETING } from './fake-server';

const it = fakeServerTest();

const COUNT = 12;
const reply = (n: number): string => `+OK\r\nSubject: m${n}\r\n\r\nbody ${n}\r\n.\r\n`;

describe('fetchNew keeps its pipeline full with few writes (RFC 2449 §6.6)', () => {
  it('sends the first window at once, and tops it up several RETRs at a time once half of it is back', async ({ fake }) => {
    /** Each chunk of RETR lines the server received, as it arrived. */
    const arrivals: string[] = [];
    await fake.start(async (peer) => {
      peer.socket.on('data', (chunk: Buffer) => {
        const text = chunk.toString('latin1');
        if (text.startsWith('RETR')) arrivals.push(text.trim().split('\r\n').map((l) => l.slice(5)).join(','));
      });
      await peer.send(GREETING);
      const expectLine = async (text: string): Promise<void> => {
        const line = await peer.readLine();
        if (line !== text) throw new Error(`expected ${text}, got ${line}`);
      };
      await expectLine('CAPA');
      await peer.send('+OK\r\nUIDL\r\nPIPELINING\r\n.\r\n');
      await expectLine('UIDL');
      await peer.send(`+OK\r\n${Array.from({ length: COUNT }, (_, i) => `${i + 1} u${i + 1}`).join('\r\n')}\r\n.\r\n`);
      await expectLine('LIST');
      await peer.send(`+OK\r\n${Array.from({ length: COUNT }, (_, i) => `${i + 1} ${reply(i + 1).length - 11}`).join('\r\n')}\r\n.\r\n`);
      let next = 1;
      for (;;) {
        // Read every RETR that is on the wire, then answer two of them at once.
        const batch: number[] = [];
        do {
          const line = await peer.readLine();
          batch.push(Number(line.split(' ')[1]));
        } while (peer.pendingBytes > 0);
        for (const n of batch) {
          if (n !== next) throw new Error(`RETR ${n} out of order, expected ${next}`);
          next += 1;
        }
        await peer.send(batch.map(reply).join(''));
        if (next > COUNT) return;
      }
    });
    const pop = await fake.open({ timeout: 2000 });
    const result = await fetchNew(pop, { seen: [], window: 4 });
    expect(result.fetched.map((f) => f.message.subject)).toEqual(Array.from({ length: COUNT }, (_, i) => `m${i + 1}`));
    // The first window leaves together; as replies come back, the window is refilled once half
    // of it is back, several RETRs at a time, in order.
    expect(arrivals[0]).toBe('1,2,3,4');
    expect(arrivals.every((batch) => batch.split(',').length >= 2)).toBe(true);
    expect(arrivals.join(',')).toBe(Array.from({ length: COUNT }, (_, i) => i + 1).join(','));
  });
});
