import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Pop3Client } from '../../src/client';
import type { TranscriptEntry } from '../../src/protocol';
import { GREETING, LOGIN_STEPS, startFakeServer, type FakeServer } from './fake-server';

let fake: FakeServer | undefined;
let client: Pop3Client | undefined;
afterEach(async () => {
  client?.close();
  await fake?.close();
  fake = client = undefined;
});

describe('a session against the scripted peer', () => {
  it('logs in, lists, retrieves and quits', async () => {
    fake = await startFakeServer([
      { send: GREETING },
      ...LOGIN_STEPS,
      { expect: 'STAT' },
      { send: '+OK 2 320\r\n' },
      { expect: 'LIST' },
      { send: '+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n' },
      { expect: 'RETR 1' },
      { send: '+OK 120 octets\r\nSubject: hi\r\n\r\n..dot\r\nbody\r\n.\r\n' },
      { expect: 'QUIT' },
      { send: '+OK bye\r\n' },
      { hangUp: true },
    ]);
    const trace: TranscriptEntry[] = [];
    client = await connect({ host: fake.host, port: fake.port, trace: (e) => trace.push(e) });
    expect(client.greeting).toBe(GREETING.trim());
    await client.user('alice');
    await client.pass('wonderland');
    expect(client.state).toBe('TRANSACTION');
    expect(await client.stat()).toEqual({ count: 2, size: 320 });
    expect(await client.list()).toEqual([{ n: 1, size: 120 }, { n: 2, size: 200 }]);
    const msg = await client.retr(1);
    expect(msg.text).toBe('Subject: hi\r\n\r\n.dot\r\nbody\r\n');
    expect(msg.subject).toBe('hi');
    const reply = await client.quit();
    expect(reply.ok).toBe(true);
    expect(client.state).toBe('CLOSED');
    await fake.done;
    console.log(trace.map((e) => `${e.direction} ${e.text} ${e.stateBefore}->${e.stateAfter}`).join('\n'));
  });
});
