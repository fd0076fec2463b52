import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { toCanonicalCrlf } from '../../src/protocol';
import { loadSeed, SEED_DIR } from '../../sandbox-server/seed-loader';
import { killHard, spawnTs, waitForLine, REPO_ROOT } from '../helpers/child-process';
import { createRandom } from './helpers/random';
import { RawPop3 } from '../helpers/raw-pop3';

/**
 * The sandbox process with --maildir is SIGKILLed again and again at random moments while a
 * client (raw socket) deletes messages and QUITs; each time it is restarted and a new session
 * checks the maildrop: exactly the state before the session or the state with all of that
 * QUIT's deletions (RFC 1939 §6), all of them if the client saw QUIT's +OK, every message
 * byte-identical to the seed, unique-ids stable, and the login never refused as [IN-USE].
 * Between some rounds the test delivers seed files into new/ as a delivery agent would.
 * CRASH_ROUNDS=200 runs longer; CRASH_SEED replays a run.
 */

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 12);
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
const ACCOUNT = 'crash';
const PASSWORD = 'no-half-measures';
/** Refill the maildrop (external delivery) when fewer messages than this remain. */
const REFILL_BELOW = 6;

let dir: string;
let maildirRoot: string;
let emlDir: string;
/** Canonical bytes of every seed file the account may hold. */
let seedFiles: Buffer[];
let server: { child: ChildProcess; port: number } | undefined;

async function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawnTs(path.join(REPO_ROOT, 'sandbox-server/cli.ts'), [
    '--maildir', maildirRoot, '--port', '0', '--tls-port', 'off', '--user', `${ACCOUNT}:${PASSWORD}:${emlDir}`,
  ]);
  try {
    const ready = await waitForLine(child, /^sandbox ready: pop3:\/\/127\.0\.0\.1:(\d+) /, 15_000);
    return { child, port: Number(ready[1]) };
  } catch (error) {
    await killHard(child);
    throw error;
  }
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pop3-sandbox-crash-'));
  maildirRoot = path.join(dir, 'maildir');
  emlDir = path.join(dir, 'seed');
  await fs.mkdir(emlDir);
  // Small seed messages of every kind (dot lines, bare LF, no final newline, duplicates, headers only).
  const seed = await loadSeed();
  const names = [...seed.accounts.find((a) => a.name === 'alice')!.messages, ...seed.accounts.find((a) => a.name === 'bob')!.messages]
    .filter((name) => name !== 'big-attachment');
  const raws = await Promise.all(names.map((name) => fs.readFile(path.join(SEED_DIR, seed.messages.get(name)!.file))));
  for (const [i, raw] of raws.entries()) await fs.writeFile(path.join(emlDir, `${String(i).padStart(2, '0')}.eml`), raw);
  seedFiles = raws.map((raw) => toCanonicalCrlf(raw));
});

afterAll(async () => {
  if (server) await killHard(server.child);
  await fs.rm(dir, { recursive: true, force: true });
});

interface Observed {
  pop: RawPop3;
  uids: string[];
}

/** Logs in (never [IN-USE] after a restart), reads the unique-id listing and every message, checks them. */
async function openAndRead(port: number, bytesOf: Map<string, Buffer>, context: string): Promise<Observed> {
  const pop = await RawPop3.connectAndGreet(port);
  expect(await pop.command(`USER ${ACCOUNT}`)).toMatch(/^\+OK/);
  const pass = await pop.command(`PASS ${PASSWORD}`);
  expect(pass, `${context}: login after a restart`).toMatch(/^\+OK/);
  const uidl = await pop.multiline('UIDL');
  const uids = uidl.body!.toString('latin1').split('\r\n').filter(Boolean).map((line) => line.split(' ')[1]!);
  const list = await pop.multiline('LIST');
  const sizes = list.body!.toString('latin1').split('\r\n').filter(Boolean).map((line) => Number(line.split(' ')[1]));
  for (const [i, uid] of uids.entries()) {
    const retr = await pop.multiline(`RETR ${i + 1}`);
    const body = retr.body!;
    expect(body.length, `${context}: LIST size of message ${i + 1}`).toBe(sizes[i]);
    const known = bytesOf.get(uid);
    if (known) expect(body.equals(known), `${context}: message ${uid} changed`).toBe(true);
    else {
      expect(seedFiles.some((seed) => seed.equals(body)), `${context}: message ${uid} is not byte-identical to any seed message`).toBe(true);
      bytesOf.set(uid, body);
    }
  }
  return { pop, uids };
}

/** Writes messages into new/ the way a delivery agent does (tmp/, then rename). */
async function deliver(messages: readonly Buffer[], round: number): Promise<void> {
  const maildir = path.join(maildirRoot, ACCOUNT);
  const seconds = Math.floor(Date.now() / 1000);
  for (const [i, bytes] of messages.entries()) {
    const name = `${seconds}.M${String(round * 100 + i).padStart(6, '0')}P${process.pid}.crash-test`;
    await fs.writeFile(path.join(maildir, 'tmp', name), bytes);
    await fs.rename(path.join(maildir, 'tmp', name), path.join(maildir, 'new', name));
  }
}

it(`keeps a QUIT's deletions all or nothing across SIGKILLs of the sandbox (${ROUNDS} kills, seed ${SEED})`, { timeout: 30_000 + ROUNDS * 3_000 }, async () => {
  const random = createRandom(SEED);
  const bytesOf = new Map<string, Buffer>();
  const seen = new Set<string>();
  /** What the next session may find: the state before the last session, or with its deletions. */
  let allowed: string[][] | undefined;
  let arrivals: Buffer[] = [];
  const outcomes: Record<string, number> = {};

  for (let round = 0; round < ROUNDS; round++) {
    const context = `round ${round} (seed ${SEED})`;
    server = await startServer();
    const { pop, uids } = await openAndRead(server.port, bytesOf, context);

    // The state matches one the protocol allows, then the messages delivered meanwhile.
    if (allowed) {
      const head = uids.slice(0, uids.length - arrivals.length);
      const tail = uids.slice(uids.length - arrivals.length);
      expect(allowed.map((state) => JSON.stringify(state)), `${context}: state ${JSON.stringify(uids)}`).toContain(JSON.stringify(head));
      for (const [i, uid] of tail.entries()) {
        expect(seen.has(uid), `${context}: unique-id ${uid} reused`).toBe(false);
        expect(bytesOf.get(uid)!.equals(arrivals[i]!), `${context}: delivered message ${i + 1}`).toBe(true);
      }
      const which = allowed.length === 1 ? 'only-state' : JSON.stringify(head) === JSON.stringify(allowed[0]) ? 'none-deleted' : 'all-deleted';
      outcomes[which] = (outcomes[which] ?? 0) + 1;
    }
    for (const uid of uids) seen.add(uid);
    arrivals = [];

    // DELE a few messages, QUIT, and kill the server somewhere along the way.
    const count = 1 + Math.floor(random() * Math.min(3, uids.length));
    const doomed = new Set<number>();
    while (doomed.size < count) doomed.add(1 + Math.floor(random() * uids.length));
    const remaining = uids.filter((_, i) => !doomed.has(i + 1));
    const when = random();
    let quitSent = false;
    if (when >= 0.1) {
      for (const n of doomed) expect(await pop.command(`DELE ${n}`), context).toMatch(/^\+OK/);
      if (when >= 0.25) {
        pop.write('QUIT\r\n');
        quitSent = true;
        await new Promise((resolve) => setTimeout(resolve, random() * 12));
      }
    }
    await killHard(server.child);
    server = undefined;
    const unread = await pop.waitClosed();
    const quitAnswered = quitSent && unread.toString('latin1').startsWith('+OK');
    pop.destroy();

    // RFC 1939 §6: only QUIT removes, all its deletions together; after its +OK they are durable.
    allowed = !quitSent ? [uids] : quitAnswered ? [remaining] : [uids, remaining];
    const moment = !quitSent ? 'killed-before-quit' : quitAnswered ? 'killed-after-quit-reply' : 'killed-during-quit';
    outcomes[moment] = (outcomes[moment] ?? 0) + 1;

    // Top the maildrop up now and then, as a delivery agent would while the server is down.
    if (remaining.length < REFILL_BELOW) {
      arrivals = Array.from({ length: 8 }, () => seedFiles[Math.floor(random() * seedFiles.length)]!);
      await deliver(arrivals, round);
    }
  }

  // A last, clean look: the final state is allowed and the Maildir holds exactly those messages.
  server = await startServer();
  const { pop, uids } = await openAndRead(server.port, bytesOf, 'final check');
  expect(allowed!.map((state) => JSON.stringify(state))).toContain(JSON.stringify(uids.slice(0, uids.length - arrivals.length)));
  expect(await pop.quit()).toMatch(/^\+OK/);
  const cur = await fs.readdir(path.join(maildirRoot, ACCOUNT, 'cur'));
  expect(cur).toHaveLength(uids.length);
  if (process.env.CRASH_VERBOSE) console.log(JSON.stringify(outcomes));
});
