import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toCanonicalCrlf } from '../../src/protocol';
import { accountFolderName, createMaildirStorage, type MaildirStorage } from '../../sandbox-server/maildir/storage';
import type { Seed } from '../../sandbox-server/seed';
import { loadSeed } from '../../sandbox-server/seed-loader';
import type { NewMessage } from '../../sandbox-server/storage';
import { killHard, spawnTs, waitForLine, REPO_ROOT } from '../helpers/child-process';

/**
 * The Maildir storage on a temporary directory: seeding, restarts, removal, resets, mail
 * delivered by other programs, and the maildrop lock across instances and processes.
 */

let dir: string;
let seed: Seed;
const opened: MaildirStorage[] = [];

function seedOf(account: string): NewMessage[] | undefined {
  const names = seed.accounts.find((a) => a.name === account)?.messages;
  return names?.map((name) => ({ bytes: seed.messages.get(name)!.bytes, seedName: name }));
}

async function open(): Promise<MaildirStorage> {
  const storage = await createMaildirStorage(dir, { seed: seedOf });
  opened.push(storage);
  return storage;
}

async function contents(storage: MaildirStorage, account: string): Promise<{ uid: string; size: number; bytes: Buffer }[]> {
  const messages = await storage.list(account);
  return Promise.all(messages.map(async (m) => ({ uid: m.uid, size: m.size, bytes: await m.read() })));
}

/** Delivers a message the way any Maildir delivery agent does: write in tmp/, rename into new/. */
async function deliverExternally(account: string, name: string, bytes: Buffer): Promise<void> {
  const maildir = path.join(dir, account);
  await fs.writeFile(path.join(maildir, 'tmp', name), bytes);
  await fs.rename(path.join(maildir, 'tmp', name), path.join(maildir, 'new', name));
}

beforeEach(async () => {
  seed = await loadSeed();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pop3-maildir-'));
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((storage) => storage.close()));
  await fs.rm(dir, { recursive: true, force: true });
});

describe('Maildir storage', () => {
  it('seeds a maildrop on first use, in seed order, as canonical CRLF bytes', async () => {
    const storage = await open();
    const messages = await contents(storage, 'alice');
    const expected = seedOf('alice')!;
    expect(messages).toHaveLength(expected.length);
    for (const [i, message] of messages.entries()) {
      const canonical = toCanonicalCrlf(expected[i]!.bytes);
      expect(message.bytes.equals(canonical)).toBe(true);
      expect(message.size).toBe(canonical.length);
    }
    expect((await storage.list('alice')).map((m) => m.seedName)).toEqual(expected.map((m) => m.seedName));
    for (const sub of ['tmp', 'new', 'cur']) expect((await fs.stat(path.join(dir, 'alice', sub))).isDirectory()).toBe(true);
  });

  it('writes files a mail reader understands: Maildir names with S=<file size>, complete RFC 5322 messages', async () => {
    const storage = await open();
    await storage.list('alice');
    const cur = path.join(dir, 'alice', 'cur');
    const names = await fs.readdir(cur);
    expect(names).toHaveLength(seedOf('alice')!.length);
    const subjects: string[] = [];
    for (const name of names) {
      const match = /^(\d+)\.M\d+P\d+Q\d+R[0-9a-f]+\.[^/:]+,S=(\d+):2,$/.exec(name);
      expect(match, name).not.toBeNull();
      const bytes = await fs.readFile(path.join(cur, name));
      expect(bytes.length).toBe(Number(match![2]));
      // Canonical: no bare LF, ends in CRLF.
      expect(bytes.equals(toCanonicalCrlf(bytes))).toBe(true);
      subjects.push((await simpleParser(bytes)).subject ?? '');
    }
    const manifestSubjects = seed.accounts.find((a) => a.name === 'alice')!.messages.map((n) => seed.messages.get(n)!.subject);
    expect(subjects.sort()).toEqual([...manifestSubjects].sort());
    expect(await fs.readdir(path.join(dir, 'alice', 'new'))).toEqual([]);
    expect(await fs.readdir(path.join(dir, 'alice', 'tmp'))).toEqual([]);
  });

  it('reads a maildrop back after a restart with the same unique-ids, order and bytes, without reseeding', async () => {
    const first = await open();
    const before = await contents(first, 'bob');
    await first.close();
    const second = await createMaildirStorage(dir, { seed: () => [{ bytes: Buffer.from('Subject: not used\r\n\r\n') }] });
    opened.push(second);
    const after = await contents(second, 'bob');
    expect(after.map((m) => m.uid)).toEqual(before.map((m) => m.uid));
    expect(after.every((m, i) => m.bytes.equals(before[i]!.bytes) && m.size === before[i]!.size)).toBe(true);
  });

  it('issues unique-ids of 1-70 printable characters, distinct even for byte-identical messages', async () => {
    const storage = await open();
    const uids = (await storage.list('bob')).map((m) => m.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const uid of uids) expect(uid).toMatch(/^[\x21-\x7e]{1,70}$/);
  });

  it('gives an unknown account an empty maildrop and creates nothing for it', async () => {
    const storage = await open();
    expect(await storage.list('nobody-here')).toEqual([]);
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('removes messages by unique-id, durably, leaving the others and their unique-ids alone', async () => {
    const storage = await open();
    const before = await contents(storage, 'alice');
    const gone = [before[0]!.uid, before[5]!.uid, before[10]!.uid];
    await storage.remove('alice', gone);
    const expected = before.filter((m) => !gone.includes(m.uid));
    const restarted = await open();
    const after = await contents(restarted, 'alice');
    expect(after.map((m) => m.uid)).toEqual(expected.map((m) => m.uid));
    expect(after.every((m, i) => m.bytes.equals(expected[i]!.bytes))).toBe(true);
    expect(await fs.readdir(path.join(dir, 'alice', 'cur'))).toHaveLength(expected.length);
    // Unknown unique-ids are ignored.
    await restarted.remove('alice', ['no-such-uid']);
    expect(await restarted.list('alice')).toHaveLength(expected.length);
  });

  it('replaces a maildrop with fresh unique-ids, never reused, also after a restart', async () => {
    const storage = await open();
    const seen = new Set((await storage.list('bob')).map((m) => m.uid));
    const fresh = [{ bytes: Buffer.from('Subject: one\n\nfirst\n') }, { bytes: Buffer.from('Subject: two\r\n\r\nsecond') }];
    for (let round = 0; round < 3; round++) {
      const instance = round === 1 ? await open() : storage;
      await instance.replace('bob', fresh);
      const now = await contents(instance, 'bob');
      expect(now.map((m) => m.bytes.toString())).toEqual(['Subject: one\r\n\r\nfirst\r\n', 'Subject: two\r\n\r\nsecond\r\n']);
      for (const m of now) {
        expect(seen.has(m.uid)).toBe(false);
        seen.add(m.uid);
      }
    }
    expect(await fs.readdir(path.join(dir, 'bob', 'cur'))).toHaveLength(2);
  });

  it('lets a logged-in session read its snapshot after a reset, and removes the old files once it ends', async () => {
    const storage = await open();
    const release = await storage.lock('bob');
    const snapshot = await storage.list('bob');
    const other = await open();
    await other.replace('bob', [{ bytes: Buffer.from('Subject: new\r\n\r\nnew\r\n') }]);
    expect((await other.list('bob')).map((m) => m.size)).toEqual([21]);
    for (const message of snapshot) expect((await message.read()).length).toBe(message.size);
    await release!();
    // The next login's look at the maildrop tidies up.
    const next = await other.lock('bob');
    expect(await other.list('bob')).toHaveLength(1);
    expect(await fs.readdir(path.join(dir, 'bob', 'cur'))).toHaveLength(1);
    await next!();
  });

  it('replaces the maildrop of an account that has none yet', async () => {
    const storage = await open();
    await storage.replace('carol', [{ bytes: Buffer.from('Subject: hi\r\n\r\nhello\r\n'), seedName: 'hello' }]);
    const messages = await storage.list('carol');
    expect(messages.map((m) => [m.seedName, m.size])).toEqual([['hello', 22]]);
  });

  it('appends deliveries after the existing messages, with fresh unique-ids', async () => {
    const storage = await open();
    const before = (await storage.list('zoe')).map((m) => m.uid);
    await storage.append('zoe', [{ bytes: Buffer.from('Subject: later\n\nbody\n') }]);
    const after = await contents(await open(), 'zoe');
    expect(after.slice(0, before.length).map((m) => m.uid)).toEqual(before);
    expect(after).toHaveLength(before.length + 1);
    expect(before).not.toContain(after[before.length]!.uid);
    expect(after[before.length]!.bytes.toString()).toBe('Subject: later\r\n\r\nbody\r\n');
  });

  it('picks up mail another program delivered into new/: moved to cur/, fresh unique-id, canonical size', async () => {
    const storage = await open();
    const before = (await storage.list('bob')).map((m) => m.uid);
    // Delivered with bare LF line ends, as most delivery agents write them.
    const raw = Buffer.from('From: a@example.org\nSubject: dropped in\n\nline one\nline two\n');
    await deliverExternally('bob', '1900000001.M1P2Q3.elsewhere', raw);
    await deliverExternally('bob', '1900000000.M1P2Q3.elsewhere', Buffer.from('Subject: earlier\n\nx\n'));
    const after = await contents(storage, 'bob');
    expect(after.slice(0, before.length).map((m) => m.uid)).toEqual(before);
    const arrivals = after.slice(before.length);
    // Oldest delivery first.
    expect(arrivals.map((m) => m.bytes.toString().split('\r\n')[0])).toEqual(['Subject: earlier', 'From: a@example.org']);
    expect(arrivals[1]!.bytes.equals(toCanonicalCrlf(raw))).toBe(true);
    expect(arrivals[1]!.size).toBe(toCanonicalCrlf(raw).length);
    for (const m of arrivals) expect(before).not.toContain(m.uid);
    expect(await fs.readdir(path.join(dir, 'bob', 'new'))).toEqual([]);
    expect(await fs.readdir(path.join(dir, 'bob', 'cur'))).toContain('1900000001.M1P2Q3.elsewhere:2,');
    // Stable from then on.
    expect((await (await open()).list('bob')).map((m) => m.uid)).toEqual(after.map((m) => m.uid));
  });

  it('keeps a message whose flags a mail reader changed, and drops one another program deleted', async () => {
    const storage = await open();
    const before = await contents(storage, 'bob');
    const cur = path.join(dir, 'bob', 'cur');
    const fileOf = async (bytes: Buffer): Promise<string> => {
      for (const name of await fs.readdir(cur)) if ((await fs.readFile(path.join(cur, name))).equals(bytes)) return name;
      throw new Error('message file not found');
    };
    const first = await fileOf(before[0]!.bytes);
    const second = await fileOf(before[1]!.bytes);
    // mutt marks a message seen by renaming ":2," to ":2,S"; another program deletes one.
    expect(first.endsWith(':2,')).toBe(true);
    await fs.rename(path.join(cur, first), path.join(cur, `${first}S`));
    await fs.unlink(path.join(cur, second));
    const after = await contents(storage, 'bob');
    expect(after.map((m) => m.uid)).toEqual([before[0]!.uid, ...before.slice(2).map((m) => m.uid)]);
    expect(after[0]!.bytes.equals(before[0]!.bytes)).toBe(true);
  });

  it('keeps account folders inside the tree whatever the account name', () => {
    expect(accountFolderName('alice')).toBe('alice');
    expect(accountFolderName('a.b@example.org')).toBe('a.b@example.org');
    expect(accountFolderName('../etc')).toBe('%2E.%2Fetc');
    expect(accountFolderName('.hidden')).toBe('%2Ehidden');
    expect(accountFolderName('zoë')).toBe('zo%C3%AB');
    expect(() => accountFolderName('')).toThrow(/empty/);
  });
});

describe('Maildir maildrop lock', () => {
  it('is exclusive across two storage instances on one Maildir, and free again after release', async () => {
    const one = await open();
    const two = await open();
    const release = await one.lock('alice');
    expect(release).toBeTypeOf('function');
    expect(await two.lock('alice')).toBeUndefined();
    expect(await one.lock('alice')).toBeUndefined();
    // Other maildrops are not affected.
    const bob = await two.lock('bob');
    expect(bob).toBeTypeOf('function');
    await release!();
    const again = await two.lock('alice');
    expect(again).toBeTypeOf('function');
    await again!();
    await bob!();
  });

  it('is exclusive across processes, and a lock left by a killed process is taken over', async () => {
    const storage = await open();
    await storage.list('alice');
    const child = spawnTs(path.join(REPO_ROOT, 'test/durability/helpers/hold-maildrop-lock.ts'), [dir, 'alice']);
    try {
      const line = await waitForLine(child, /^(locked|in-use) \d+$/);
      expect(line[1]).toBe('locked');
      expect(await storage.lock('alice')).toBeUndefined();
    } finally {
      await killHard(child);
    }
    // The lock file is still there, but its owner is gone.
    expect((await fs.readdir(path.join(dir, 'alice'))).some((n) => n.endsWith('.lock'))).toBe(true);
    const release = await storage.lock('alice');
    expect(release).toBeTypeOf('function');
    // While we hold it, a new process is refused.
    const second = spawnTs(path.join(REPO_ROOT, 'test/durability/helpers/hold-maildrop-lock.ts'), [dir, 'alice']);
    try {
      expect((await waitForLine(second, /^(locked|in-use) \d+$/))[1]).toBe('in-use');
    } finally {
      await killHard(second);
    }
    await release!();
  });

  it('treats a lock whose pid now belongs to another, younger process as stale', async () => {
    const storage = await open();
    await storage.list('alice');
    const holder = spawnTs(path.join(REPO_ROOT, 'test/durability/helpers/hold-maildrop-lock.ts'), [dir, 'alice']);
    const bystander = spawnTs(path.join(REPO_ROOT, 'test/durability/helpers/hold-maildrop-lock.ts'), [dir, 'bob']);
    try {
      await waitForLine(holder, /^locked \d+$/);
      await waitForLine(bystander, /^locked \d+$/);
      const lockFile = path.join(dir, 'alice', 'pop3-maildrop.lock');
      const text = await fs.readFile(lockFile, 'utf8');
      expect(text).toMatch(/^pid=\d+ start=\S+ host=\S+ nonce=[0-9a-f]+\n$/);
      // The holder dies; the bystander is alive but did not start before the lock was taken.
      await killHard(holder);
      await fs.writeFile(lockFile, text.replace(/^pid=\d+/, `pid=${bystander.pid}`).replace(/start=\S+/, 'start=1'));
      const release = await storage.lock('alice');
      expect(release).toBeTypeOf('function');
      await release!();
    } finally {
      await killHard(holder);
      await killHard(bystander);
    }
  });
});
