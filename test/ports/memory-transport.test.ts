import { describe, expect, it } from 'vitest';
import { createMemoryPair } from '../../src/ports/memory-transport';
import { describeTransportContract, receiveAll } from './transport-contract';

describe('in-memory transport pair', () => {
  describeTransportContract(async () => {
    const [a, b] = createMemoryPair();
    return { a, b, close: async () => a.destroy() };
  }, 256 * 1024);

  it('is local, plaintext, cannot start TLS, and names itself', () => {
    const [a, b] = createMemoryPair({ remote: ['client', 'sandbox'] });
    expect(a.info).toEqual({ remote: 'client', local: true, secure: false, kind: 'memory' });
    expect(b.info.remote).toBe('sandbox');
    expect(a.upgradeToTls).toBeUndefined();
    expect(a.lendsChunks).toBe(false);
  });

  it('copies what is written, so the writer may reuse its buffer at once', async () => {
    const [a, b] = createMemoryPair();
    const received = receiveAll(b);
    const buffer = Buffer.from('USER alice\r\n');
    void a.write(buffer);
    buffer.fill(0x58);
    a.end();
    expect((await received).toString()).toBe('USER alice\r\n');
  });

  it('delivers asynchronously: a write never runs the reader inside the writer', async () => {
    const [a, b] = createMemoryPair();
    const order: string[] = [];
    b.on('data', () => order.push('data'));
    void a.write(Buffer.from('x'));
    order.push('after write');
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['after write', 'data']);
  });
});
