import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { toCanonicalCrlf } from '../../src/protocol';
import { createMaildirStorage } from '../../sandbox-server/maildir/storage';
import { loadSeed, SEED_DIR } from '../../sandbox-server/seed-loader';
import { isDovecotInstalled, startDovecot, type DovecotServer } from '../helpers/dovecot';
import { describeWithProgram } from '../interop/programs';
import { RawPop3 } from '../helpers/raw-pop3';

/**
 * Our Maildirs against Dovecot, a program nobody here wrote: Dovecot serves a Maildir our
 * storage wrote with the same sizes, bytes and order; our storage reads a Maildir Dovecot
 * has used with the sizes and bytes Dovecot serves.
 */

const PASSWORD = 'secret';

interface Served {
  sizes: number[];
  bodies: Buffer[];
}

/** Logs in to Dovecot over a raw socket and retrieves every message. */
async function retrieveAll(dovecot: DovecotServer, user: string): Promise<Served> {
  const pop = await RawPop3.connectAndGreet(dovecot.port, dovecot.host);
  try {
    expect(await pop.command(`USER ${user}`)).toMatch(/^\+OK/);
    expect(await pop.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
    const list = await pop.multiline('LIST');
    const sizes = list.body!.toString('latin1').split('\r\n').filter(Boolean).map((line) => Number(line.split(' ')[1]));
    const bodies: Buffer[] = [];
    for (let n = 1; n <= sizes.length; n++) bodies.push((await pop.multiline(`RETR ${n}`)).body!);
    await pop.quit();
    return { sizes, bodies };
  } finally {
    pop.destroy();
  }
}

/** Gives files to the uid Dovecot reads mail as (it refuses root), like the harness does. */
async function chownLike(reference: string, files: readonly string[]): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const { uid, gid } = await fs.stat(reference);
  for (const file of files) await fs.chown(file, uid, gid);
}

describeWithProgram(isDovecotInstalled(), 'Dovecot', 'Maildir storage and Dovecot', () => {
  let dir: string;
  let dovecot: DovecotServer;
  let rawAlice: Buffer[];

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pop3-maildir-dovecot-'));
    const seed = await loadSeed();
    const names = seed.accounts.find((a) => a.name === 'alice')!.messages;
    // The seed files as they are on disk: bare LF, no final newline and all.
    rawAlice = await Promise.all(names.map((name) => fs.readFile(path.join(SEED_DIR, seed.messages.get(name)!.file))));
    dovecot = await startDovecot({
      tls: false,
      users: [
        { name: 'reader', password: PASSWORD },
        { name: 'writer', password: PASSWORD, messages: rawAlice },
      ],
    });
  });

  afterAll(async () => {
    await dovecot?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('Dovecot serves a Maildir we wrote: same order, sizes and bytes', async () => {
    const storage = await createMaildirStorage(path.join(dir, 'ours'), {
      seed: () => rawAlice.map((bytes) => ({ bytes })),
    });
    const ours = await storage.list('alice');
    const ourBodies = await Promise.all(ours.map((m) => m.read()));
    await storage.close();

    const source = path.join(dir, 'ours', 'alice', 'cur');
    const target = path.join(dovecot.maildirOf('reader'), 'cur');
    const copied: string[] = [];
    for (const name of await fs.readdir(source)) {
      await fs.copyFile(path.join(source, name), path.join(target, name));
      copied.push(path.join(target, name));
    }
    await chownLike(target, copied);

    const served = await retrieveAll(dovecot, 'reader');
    expect(served.sizes).toEqual(ours.map((m) => m.size));
    expect(served.bodies.map((b) => b.length)).toEqual(ours.map((m) => m.size));
    for (const [i, body] of served.bodies.entries()) expect(body.equals(ourBodies[i]!), `message ${i + 1}`).toBe(true);
  });

  it('we read a Maildir Dovecot has used: same order, sizes and bytes, stable unique-ids', async () => {
    const served = await retrieveAll(dovecot, 'writer');
    expect(served.bodies).toHaveLength(rawAlice.length);
    // Dovecot's view agrees with the canonical form of the raw files.
    for (const [i, body] of served.bodies.entries()) expect(body.equals(toCanonicalCrlf(rawAlice[i]!))).toBe(true);

    const copy = path.join(dir, 'theirs');
    await fs.cp(dovecot.maildirOf('writer'), path.join(copy, 'writer'), { recursive: true });
    const names = await fs.readdir(path.join(copy, 'writer', 'cur'));
    expect(names.length, 'Dovecot moved the messages into cur/').toBe(rawAlice.length);

    const storage = await createMaildirStorage(copy);
    const ours = await storage.list('writer');
    // Our sizes are the octets RETR sends (RFC 1939 §5, LIST, and §11). Dovecot's LIST leaves out the line
    // break it adds to a message without a final newline, so it lists 2 octets fewer for those.
    expect(ours.map((m) => m.size)).toEqual(served.bodies.map((body) => body.length));
    const missingFinalNewline = rawAlice.map((raw) => (raw[raw.length - 1] === 0x0a ? 0 : 2));
    expect(served.sizes).toEqual(ours.map((m, i) => m.size - missingFinalNewline[i]!));
    for (const [i, message] of ours.entries()) expect((await message.read()).equals(served.bodies[i]!), `message ${i + 1}`).toBe(true);
    await storage.close();

    const again = await createMaildirStorage(copy);
    expect((await again.list('writer')).map((m) => m.uid)).toEqual(ours.map((m) => m.uid));
    await again.close();
  });
});
