import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { messagePortTransport } from '../../src/ports/message-port-transport';
import { describeTransportContract, receiveAll } from './transport-contract';

function pair(): ReturnType<typeof makePair> {
  return makePair();
}

async function makePair() {
  const { port1, port2 } = new MessageChannel();
  const a = messagePortTransport(port1, { remote: 'page' });
  const b = messagePortTransport(port2, { remote: 'sandbox-worker' });
  return {
    a,
    b,
    close: async () => {
      port1.close();
      port2.close();
    },
  };
}

describe('MessagePort transport (node:worker_threads MessageChannel)', () => {
  describeTransportContract(makePair, 256 * 1024);

  it('is local, plaintext, cannot start TLS, and names itself', async () => {
    const { a, close } = await pair();
    expect(a.info).toEqual({ remote: 'page', local: true, secure: false, kind: 'message-port' });
    expect(a.upgradeToTls).toBeUndefined();
    await close();
  });

  it('sends a copy of a view into a larger buffer, leaving the writer its memory', async () => {
    const { a, b, close } = await pair();
    const received = receiveAll(b);
    const big = Buffer.from('xxxxSTAT\r\nyyyy');
    const view = big.subarray(4, 10);
    await a.write(view);
    a.end();
    expect((await received).toString()).toBe('STAT\r\n');
    expect(big.toString()).toBe('xxxxSTAT\r\nyyyy');
    await close();
  });

  it('ignores messages that are not its frames', async () => {
    const { port1, port2 } = new MessageChannel();
    const b = messagePortTransport(port2);
    const received = receiveAll(b);
    port1.postMessage('hello');
    port1.postMessage({ t: 'data', b: 'not bytes' });
    const a = messagePortTransport(port1);
    await a.write(Buffer.from('NOOP\r\n'));
    a.end();
    expect((await received).toString()).toBe('NOOP\r\n');
  });
});
