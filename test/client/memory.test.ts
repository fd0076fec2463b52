import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect } from 'vitest';
import { fakeServerTest, GREETING, type FakePeer } from './fake-server';

/**
 * Peak memory of the client while it reads a reply, as the kernel counts it: the resident set's
 * high-water mark (VmHWM, reset through /proc/self/clear_refs on Linux) over the resident set
 * before. The fake server in this process sends one reused block, so the growth is the client's.
 */

const MIB = 1024 * 1024;
/** What the process may grow by besides the client's buffers: socket reads, the test's own work. */
const SLACK = 16 * MIB;
const BLOCK = Buffer.from(`${'z'.repeat(1022)}\r\n`.repeat(1024)); // 1 MiB of body lines

const it = fakeServerTest({ timeout: 5000 });

/** Runs `work` and returns how far the resident set grew above where it was, at its peak. */
async function peakGrowth(work: () => Promise<unknown>): Promise<number> {
  const before = process.memoryUsage.rss();
  writeFileSync('/proc/self/clear_refs', '5');
  await work();
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return Number(kib) * 1024 - before;
}

/** Greets, reads RETR 1, answers `+OK` (announcing `announced` octets when given) and `octets` of body, or until the client leaves. */
async function serveRetr(peer: FakePeer, options: { octets: number; announced?: number }): Promise<void> {
  await peer.send(GREETING);
  expect(await peer.readLine()).toBe('RETR 1');
  await peer.send(options.announced !== undefined ? `+OK ${options.announced} octets\r\n` : '+OK\r\n');
  for (let sent = 0; !peer.closed && sent < options.octets; sent += BLOCK.length) await peer.send(BLOCK);
  await peer.send('.\r\n');
}

describe.runIf(process.platform === 'linux')('memory is bounded by maxMessageSize', () => {
  it('holds no more than the limit for a reply that never ends', async ({ fake }) => {
    const limit = 64 * MIB;
    // Twice the limit stands for a reply without end: the client must leave long before.
    await fake.start((peer) => serveRetr(peer, { octets: 2 * limit }));
    const pop = await fake.open({ maxMessageSize: limit });
    const growth = await peakGrowth(() => expect(pop.retr(1)).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE', limit }));
    expect(growth).toBeLessThanOrEqual(limit + SLACK);
  });

  it('holds a body of n octets in 2n, or in n when +OK announced its size', async ({ fake }) => {
    const n = 24 * MIB;
    await fake.start((peer, index) => serveRetr(peer, index === 0 ? { octets: n } : { octets: n, announced: n }));
    const unannounced = await fake.open();
    expect(await peakGrowth(async () => expect((await unannounced.retr(1)).size).toBe(n))).toBeLessThanOrEqual(2 * n + SLACK);
    const announced = await fake.open();
    expect(await peakGrowth(async () => expect((await announced.retr(1)).size).toBe(n))).toBeLessThanOrEqual(n + SLACK);
  });
});
