import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentDigest, createMemoryStorage, deriveUid, isValidUid, loadEmlDir, loadSeed, splitMessage, topOfMessage } from '../../sandbox-server';
import { Maildrop } from '../../sandbox-server/maildrop';
import { RandomPool } from '../../sandbox-server/random-pool';
import { nodeCrypto } from '../../src/ports/node-crypto';
import { pureCrypto } from '../../src/ports/pure-crypto';

/** Pure parts of the server, tested without sockets. */

const text = (b: Buffer): string => b.toString('latin1');

describe('topOfMessage (RFC 1939 §7)', () => {
  const message = Buffer.from('A: 1\r\nB: 2\r\n\r\nline 1\r\n.line 2\r\nline 3\r\n');

  it('returns the headers, the blank line and n body lines', () => {
    expect(text(topOfMessage(message, 0))).toBe('A: 1\r\nB: 2\r\n\r\n');
    expect(text(topOfMessage(message, 2))).toBe('A: 1\r\nB: 2\r\n\r\nline 1\r\n.line 2\r\n');
    expect(text(topOfMessage(message, 99))).toBe(text(message));
  });

  it('adds the blank line to a headers-only message, and handles an empty header section', () => {
    expect(text(topOfMessage(Buffer.from('A: 1\r\nB: 2\r\n'), 5))).toBe('A: 1\r\nB: 2\r\n\r\n');
    expect(text(topOfMessage(Buffer.from('\r\nbody\r\nmore\r\n'), 1))).toBe('\r\nbody\r\n');
    expect(text(topOfMessage(Buffer.alloc(0), 1))).toBe('\r\n');
  });

  it('splits at the first blank line only', () => {
    const parts = splitMessage(Buffer.from('A: 1\r\n\r\nx\r\n\r\ny\r\n'));
    expect([text(parts.header), text(parts.body), parts.hasSeparator]).toEqual(['A: 1\r\n', 'x\r\n\r\ny\r\n', true]);
  });
});

describe('Maildrop', () => {
  const messages = ['a', 'b', 'c'].map((uid, i) => ({ uid, size: 10 * (i + 1), read: () => Promise.resolve(Buffer.alloc(0)) }));

  it('keeps numbers fixed, hides deleted messages, and lists the deleted unique-ids in order', () => {
    const drop = new Maildrop(messages);
    drop.delete('3');
    drop.delete('1');
    expect(drop.stat()).toEqual({ count: 1, size: 20 });
    expect(drop.listing().map((m) => m.number)).toEqual([2]);
    expect(drop.deletedUids()).toEqual(['a', 'c']);
    expect(() => drop.message('1')).toThrow('no such message: message 1 is marked as deleted (RSET unmarks it)');
    expect(drop.reset()).toBe(2);
    expect(drop.stat()).toEqual({ count: 3, size: 60 });
  });

  it('refuses malformed and out-of-range numbers, counting only malformed ones as bad', () => {
    const drop = new Maildrop(messages.slice(0, 1));
    expect(() => drop.message('2')).toThrow('no such message, only 1 message in maildrop');
    expect(() => drop.message('+1')).toThrow(expect.objectContaining({ bad: true, message: '"+1" is not a message-number; the only message-number is 1' }));
    expect(() => new Maildrop([]).message('1')).toThrow('no such message, maildrop is empty');
  });
});

describe('memory storage and unique-ids', () => {
  it('derives valid ids: the same for the first seeding, fresh after a reset or a delivery', async () => {
    const one = createMemoryStorage();
    const two = createMemoryStorage();
    const seed = [{ bytes: Buffer.from('x') }, { bytes: Buffer.from('x') }];
    await one.replace('alice', seed);
    await two.replace('alice', seed);
    const first = (await one.list('alice')).map((m) => m.uid);
    expect((await two.list('alice')).map((m) => m.uid)).toEqual(first);
    expect(new Set(first).size).toBe(2);
    for (const uid of first) expect(isValidUid(uid)).toBe(true);
    await one.replace('alice', seed);
    await one.append('alice', seed);
    const later = (await one.list('alice')).map((m) => m.uid);
    expect(later).toHaveLength(4);
    expect(new Set([...first, ...later]).size).toBe(6);
    const digest = contentDigest(nodeCrypto, Buffer.from('x'));
    expect(deriveUid(nodeCrypto, 'bob', 0, 0, digest)).not.toBe(deriveUid(nodeCrypto, 'alice', 0, 0, digest));
  });

  it('canonicalises what it stores and sizes it in CRLF octets', async () => {
    const storage = createMemoryStorage();
    await storage.replace('bob', [{ bytes: Buffer.from('a\nb') }]);
    const [message] = await storage.list('bob');
    expect(message?.size).toBe(6);
    expect(text(await message!.read())).toBe('a\r\nb\r\n');
  });

  it('locks a maildrop exclusively; a stale release cannot free a newer lock', async () => {
    const storage = createMemoryStorage();
    const release = await storage.lock('alice');
    expect(release).toBeDefined();
    expect(await storage.lock('alice')).toBeUndefined();
    expect(await storage.lock('bob')).toBeDefined();
    await release!();
    const again = await storage.lock('alice');
    await release!();
    expect(await storage.lock('alice')).toBeUndefined();
    await again!();
  });

  it('removes by unique-id and ignores ids it does not have', async () => {
    const storage = createMemoryStorage();
    await storage.replace('bob', [{ bytes: Buffer.from('1') }, { bytes: Buffer.from('2') }]);
    const [first] = await storage.list('bob');
    await storage.remove('bob', [first!.uid, 'no-such-uid']);
    expect((await storage.list('bob')).map((m) => text(Buffer.from(m.uid)))).toHaveLength(1);
  });
});

describe('seed loader', () => {
  it('loads the manifest with canonical CRLF bytes for every message', async () => {
    const seed = await loadSeed();
    expect(seed.accounts.map((a) => [a.name, a.password])).toEqual([
      ['alice', 'wonderland'],
      ['bob', 'builder'],
      ['zoe', 'unicode'],
      ['max', 'linelength'],
    ]);
    expect(seed.accounts[0]!.messages.length).toBeGreaterThanOrEqual(12);
    for (const message of seed.messages.values()) {
      expect(message.bytes.subarray(-2).toString()).toBe('\r\n');
      expect(/(^|[^\r])\n/.test(text(message.bytes))).toBe(false);
    }
  });

  it('reads a folder of .eml files in file-name order, ignoring other files', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'eml-dir-'));
    try {
      writeFileSync(path.join(dir, '10.eml'), 'ten');
      writeFileSync(path.join(dir, '02.eml'), 'two\n');
      writeFileSync(path.join(dir, 'readme.md'), 'no');
      const messages = await loadEmlDir(dir);
      expect(messages.map((m) => [m.seedName, text(m.bytes)])).toEqual([
        ['02', 'two\r\n'],
        ['10', 'ten\r\n'],
      ]);
      await expect(loadEmlDir(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'BAD_OPTION' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('RandomPool', () => {
  it('hands out bytes never handed out before, across refills from the crypto port', () => {
    const pool = new RandomPool(pureCrypto);
    const taken = Array.from({ length: 600 }, () => Buffer.from(pool.take(4)).toString('hex'));
    expect(taken.every((hex) => /^[0-9a-f]{8}$/.test(hex))).toBe(true);
    // 2,400 octets: the 1,024-octet pool was refilled twice; one pair of 32-bit values repeats by chance about once in 20,000 runs.
    expect(new Set(taken).size).toBeGreaterThanOrEqual(599);
    expect(pool.take(2000)).toHaveLength(2000);
  });
});
