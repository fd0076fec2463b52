import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMaildirStorage } from '../../sandbox-server/maildir/storage';
import { churnKeyOf } from './helpers/churn-message';
import { killHard, spawnTs, waitForLine, REPO_ROOT } from '../helpers/child-process';
import { createRandom } from './helpers/random';

/**
 * Storage-level crash test: a process removes, appends and replaces messages without pause and
 * is SIGKILLed at a random moment, again and again. After each kill a fresh storage must show
 * exactly the state before or after the step in progress (RFC 1939 §6: a message is fully
 * there or fully gone, and a QUIT's removals happen together or not at all), every message
 * byte-identical to what was written, unique-ids never reused.
 * CRASH_ROUNDS=200 runs longer; CRASH_SEED replays a run.
 */

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 8);
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
const ACCOUNT = 'churn';
const CHURN = path.join(REPO_ROOT, 'test/durability/helpers/churn-maildir.ts');

type State = [uid: string, k: number][];
interface Begin {
  op: 'remove' | 'append' | 'replace';
  before: State;
  uids?: string[];
  ks?: number[];
}

let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pop3-maildir-crash-'));
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Reads the maildrop the way a restarted sandbox does; throws on any damaged message. */
async function readState(): Promise<State> {
  const storage = await createMaildirStorage(dir);
  try {
    const messages = await storage.list(ACCOUNT);
    return await Promise.all(messages.map(async (m) => [m.uid, churnKeyOf(await m.read())] as [string, number]));
  } finally {
    await storage.close();
  }
}

/** Why `final` is not a state the interrupted step allows, or undefined when it is. */
function checkState(final: State, begin: Begin | undefined, end: State | undefined, previous: State, seen: ReadonlySet<string>): string | undefined {
  const same = (a: State, b: State): boolean => JSON.stringify(a) === JSON.stringify(b);
  if (!begin) return same(final, previous) ? undefined : 'changed although no step began';
  if (end) return same(final, end) ? undefined : `the step ${begin.op} completed but its result is not there`;
  if (same(final, begin.before)) return undefined;
  const fresh = (part: State): boolean => part.every(([uid]) => !seen.has(uid)) && new Set(part.map(([uid]) => uid)).size === part.length;
  switch (begin.op) {
    case 'remove': {
      const expected = begin.before.filter(([uid]) => !begin.uids!.includes(uid));
      return same(final, expected) ? undefined : 'a removal happened only in part';
    }
    case 'append': {
      const head = final.slice(0, begin.before.length);
      const added = final.slice(begin.before.length);
      const ok = same(head, begin.before) && same(added.map(([, k]) => [k]) as never, begin.ks!.map((k) => [k]) as never) && fresh(added);
      return ok ? undefined : 'an append happened only in part, or reused a unique-id';
    }
    case 'replace': {
      const ok = same(final.map(([, k]) => [k]) as never, begin.ks!.map((k) => [k]) as never) && fresh(final);
      return ok ? undefined : 'a replace happened only in part, or reused a unique-id';
    }
  }
}

function collectStdout(child: ChildProcess): () => string {
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  return () => out;
}

it(`leaves the maildrop in a state before or after the interrupted step (${ROUNDS} kills, seed ${SEED})`, { timeout: 20_000 + ROUNDS * 2_000 }, async () => {
  const random = createRandom(SEED);
  let previous: State = [];
  const seen = new Set<string>();
  // How the kills landed, e.g. "remove before": killed in a removal that had not committed yet.
  const ops: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    const child = spawnTs(CHURN, [dir, ACCOUNT, String((round + 1) * 100_000)]);
    const output = collectStdout(child);
    try {
      // Now and then the kill lands during start-up, before the first step.
      if (random() < 0.15) await new Promise((resolve) => setTimeout(resolve, 250 + random() * 250));
      else {
        await waitForLine(child, /^ready$/);
        await new Promise((resolve) => setTimeout(resolve, random() * 200));
      }
    } finally {
      await killHard(child);
    }
    const lines = output().split('\n').slice(0, -1);
    const beginAt = lines.map((line) => line.startsWith('begin ')).lastIndexOf(true);
    const begin = beginAt === -1 ? undefined : (JSON.parse(lines[beginAt]!.slice(6)) as Begin);
    const endLine = beginAt === -1 ? undefined : lines[beginAt + 1];
    const end = endLine?.startsWith('end ') ? (JSON.parse(endLine.slice(4)) as { after: State }).after : undefined;
    const final = await readState();
    const outcome = !begin ? 'none' : end ? 'completed' : JSON.stringify(final) === JSON.stringify(begin.before) ? 'before' : 'after';
    const key = begin ? `${begin.op} ${outcome}` : outcome;
    ops[key] = (ops[key] ?? 0) + 1;
    const problem = checkState(final, begin, end, previous, seen);
    expect(problem, `round ${round} (seed ${SEED}): ${problem}\nstep: ${JSON.stringify(begin)}\nfinal: ${JSON.stringify(final)}`).toBeUndefined();
    // After a restart's first look the Maildir is tidy: one file per message, nothing left in new/ or tmp/.
    const maildir = path.join(dir, ACCOUNT);
    const created = await fs.access(maildir).then(() => true, () => false);
    if (!created) {
      // Killed before its first append: the account never had a Maildir.
      expect(final).toEqual([]);
      continue;
    }
    expect((await fs.readdir(path.join(maildir, 'cur'))).length).toBe(final.length);
    expect(await fs.readdir(path.join(maildir, 'new'))).toEqual([]);
    expect(await fs.readdir(path.join(maildir, 'tmp'))).toEqual([]);
    for (const [uid] of final) seen.add(uid);
    for (const line of lines) {
      if (!line.startsWith('begin ') && !line.startsWith('end ')) continue;
      const step = JSON.parse(line.slice(line.indexOf(' ') + 1)) as { before?: State; after?: State };
      for (const [uid] of step.before ?? step.after ?? []) seen.add(uid);
    }
    previous = final;
  }
  if (process.env.CRASH_VERBOSE) console.log(JSON.stringify(ops));
  // With enough rounds, kills landed on both sides of the commit point of removals.
  if (ROUNDS >= 100) for (const key of ['remove before', 'remove after']) expect(ops[key], JSON.stringify(ops)).toBeGreaterThan(0);
});
