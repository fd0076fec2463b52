/**
 * The capstone's run: it calls the learner's `fetchMail` against the sandbox in a fixed
 * scenario with a fixed clock, and records what happened (the Maildirs it left, what the
 * server saw) as plain data for the goals in exercise.ts to judge.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { ExerciseContext } from '../../../../src/tutor';
import type { FaultSpec } from '../../../../src/protocol/faults';
import type { TranscriptEntry } from '../../../../src/protocol/transcript';
import type * as Playground from '../../../../src/index';
import { ACCOUNT, CLOCK, DELETED_ELSEWHERE, DROP_AFTER_COMMANDS, OLDER_THAN_DAYS } from './scenario';
import type { FetcherCheck, MaildirSnapshot, RunName, RunRecord } from './scenario';

const DAY_MS = 24 * 60 * 60 * 1000;
const RUN_TIMEOUT_MS = 20_000;

type FetchMail = (options: {
  server: { host: string; port: number; ca?: string };
  user: string;
  password: string;
  maildir: string;
  now: Date;
  deleteOlderThanDays?: number;
  output: { write(text: string): unknown };
}) => Promise<unknown>;

/** Runs the scenario; never throws for the learner's mistakes (they become data). */
export async function run(context: ExerciseContext): Promise<FetcherCheck> {
  const result: FetcherCheck = { messages: [], runs: {}, deletedElsewhere: [], beforeCleanup: [], afterCleanup: [] };
  const { connect } = context.modules['pop3-playground'] as typeof Playground;
  const account = context.server.accounts.find((a) => a.name === ACCOUNT);
  const password = account?.password ?? '';
  const server = { host: context.server.host, port: context.server.port, ...(context.server.ca !== undefined ? { ca: context.server.ca } : {}) };
  const now = new Date(CLOCK);
  const cutoff = now.getTime() - OLDER_THAN_DAYS * DAY_MS;

  /** A short session of the check's own: log in, do something, QUIT. */
  async function session<T>(work: (pop: Playground.Pop3Client) => Promise<T>): Promise<T> {
    const pop = await connect({ ...server, signal: context.signal });
    try {
      await pop.user(ACCOUNT);
      await pop.pass(password);
      const value = await work(pop);
      await pop.quit();
      return value;
    } finally {
      pop.close();
      await context.settle();
    }
  }
  const listing = (): Promise<Playground.UniqueIdListing[]> => session((pop) => pop.uidl());

  // The reference: every message's unique-id, bytes and date, from a fresh copy of the seed.
  await context.applyState({ mailboxes: { [ACCOUNT]: 'seed' } });
  const byContent = new Map<string, string>();
  await session(async (pop) => {
    for (const entry of await pop.uidl()) {
      const message = await pop.retr(entry.n);
      const date = Date.parse(message.header('date') ?? '');
      byContent.set(digest(message.bytes), entry.uid);
      result.messages.push({ uid: entry.uid, date, old: Number.isFinite(date) && date < cutoff });
    }
  });

  let fetchMail: FetchMail;
  try {
    const exports = await context.load();
    if (typeof exports.fetchMail !== 'function') {
      result.problem = `${path.basename(context.file)} does not export a function fetchMail`;
      context.report(result.problem);
      return result;
    }
    fetchMail = exports.fetchMail as FetchMail;
  } catch (error) {
    result.problem = (error as Error).message;
    context.report(result.problem);
    return result;
  }

  const snapshot = (dir: string): MaildirSnapshot => {
    const list = (sub: string): string[] => (isDirectory(path.join(dir, sub)) ? readdirSync(path.join(dir, sub)).sort() : []);
    const stored: string[] = [];
    const unmatched: string[] = [];
    for (const sub of ['new', 'cur']) {
      for (const name of list(sub)) {
        const file = path.join(dir, sub, name);
        if (!statSync(file).isFile()) continue;
        const uid = byContent.get(digest(readFileSync(file)));
        if (uid === undefined) unmatched.push(`${sub}/${name}`);
        else stored.push(uid);
      }
    }
    const folders = ['tmp', 'new', 'cur'].every((sub) => isDirectory(path.join(dir, sub)));
    return { folders, tmp: list('tmp'), stored, unmatched };
  };

  let runs = 0;
  /** One call of fetchMail, with what the server saw during it; `note` adds to its report line. */
  async function fetchOnce(name: RunName, dir: string, extra: { deleteOlderThanDays?: number } = {}, faults?: FaultSpec, note = ''): Promise<RunRecord> {
    const number = ++runs;
    const before = (await listing()).map((e) => ({ n: e.n, uid: e.uid }));
    const numbers = new Map(before.map((e) => [e.n, e.uid]));
    const from = (await context.transcript()).length;
    await context.setFaults(faults);
    let output = '';
    const record: RunRecord = { name, output: '', retrieved: [], deleted: [], committed: false, leftOpen: 0, listing: before, maildir: snapshot(dir) };
    let timer: NodeJS.Timeout | undefined;
    try {
      const call = fetchMail({
        server: { ...server },
        user: ACCOUNT,
        password,
        maildir: dir,
        now: new Date(CLOCK),
        ...extra,
        output: {
          write(text: string) {
            output += String(text);
            return true;
          },
        },
      });
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), RUN_TIMEOUT_MS);
      });
      if ((await Promise.race([call, timeout])) === 'timeout') record.timedOut = true;
    } catch (error) {
      const e = error as { name?: unknown; code?: unknown; message?: unknown };
      record.threw = {
        name: typeof e?.name === 'string' ? e.name : 'Error',
        ...(typeof e?.code === 'string' ? { code: e.code } : {}),
        message: typeof e?.message === 'string' ? e.message : String(error),
      };
    } finally {
      clearTimeout(timer);
      await context.setFaults(undefined);
    }
    // A session the program left open (no QUIT, no close) must not hold the maildrop for the next run.
    record.leftOpen = await context.closeSessions();
    await context.settle();
    const entries = (await context.transcript()).slice(from);
    record.output = output;
    record.retrieved = repliesTo(entries, 'RETR').flatMap((n) => numbers.get(n) ?? []);
    record.deleted = repliesTo(entries, 'DELE').flatMap((n) => numbers.get(n) ?? []);
    record.committed = entries.some((e) => e.direction === 'S' && e.keyword === 'QUIT' && e.status === '+OK' && e.stateBefore === 'TRANSACTION');
    record.maildir = snapshot(dir);
    result.runs[name] = record;
    context.report(`run ${number}, ${describeRun(record)}${note}`);
    if (record.leftOpen > 0) context.report(`run ${number} left a session open: no QUIT?`);
    return record;
  }

  // A first sync into an empty Maildir, then a second run that should find nothing new.
  const plain = context.makeDir('sync');
  await fetchOnce('sync', plain);
  await fetchOnce('again', plain);

  // Interrupted twice (the server drops the connection after some commands, then in the middle
  // of a RETR), mail deleted elsewhere meanwhile, then a run that must finish the job.
  const resumed = context.makeDir('resume');
  const interrupted = await fetchOnce('interrupted', resumed, {}, { dropAfterCommands: DROP_AFTER_COMMANDS });
  await fetchOnce('dropped-mid-retr', resumed, {}, { dropMidRetr: true });
  const stored = new Set(interrupted.maildir.stored);
  const victims = (await listing()).filter((e) => stored.has(e.uid)).slice(0, DELETED_ELSEWHERE);
  if (victims.length > 0) {
    await session(async (pop) => {
      for (const v of victims) await pop.dele(v.n);
    });
  }
  result.deletedElsewhere = victims.map((v) => v.uid);
  await fetchOnce('resumed', resumed, {}, undefined, victims.length > 0 ? ` (after another client deleted ${victims.length} of the stored messages on the server)` : '');

  // Clean-up: a fresh Maildir, everything stored, the old messages deleted on the server.
  result.beforeCleanup = (await listing()).map((e) => e.uid);
  await fetchOnce('cleanup', context.makeDir('cleanup'), { deleteOlderThanDays: OLDER_THAN_DAYS });
  result.afterCleanup = (await listing()).map((e) => e.uid);
  return result;
}

/** Message-numbers whose command got a +OK reply the server sent whole (no fault cut it short). */
function repliesTo(entries: readonly TranscriptEntry[], keyword: string): number[] {
  const numbers: number[] = [];
  const pending = new Map<string, number[]>();
  for (const e of entries) {
    if (e.keyword !== keyword) continue;
    if (e.direction === 'C') {
      const queue = pending.get(e.session) ?? [];
      queue.push(Number(e.args[0]));
      pending.set(e.session, queue);
    } else if (e.direction === 'S') {
      const n = pending.get(e.session)?.shift();
      if (n !== undefined && e.status === '+OK' && !(e.fault ?? '').includes('drop-mid-retr')) numbers.push(n);
    }
  }
  return numbers;
}

function describeRun(r: RunRecord): string {
  const parts = [`${r.maildir.stored.length} stored`, `${r.retrieved.length} retrieved`];
  if (r.deleted.length > 0) parts.push(`${r.deleted.length} deleted${r.committed ? '' : ' but never committed (no QUIT)'}`);
  if (r.maildir.tmp.length > 0) parts.push(`${r.maildir.tmp.length} left in tmp/`);
  if (r.maildir.unmatched.length > 0) parts.push(`${r.maildir.unmatched.length} file(s) that are no message of the maildrop`);
  const end = r.timedOut ? `did not finish within ${RUN_TIMEOUT_MS / 1000} s` : r.threw ? `threw ${r.threw.code ?? r.threw.name}: ${r.threw.message}` : 'finished';
  return `${r.name}: ${end}; ${parts.join(', ')}`;
}

function digest(bytes: Buffer): string {
  // Compared as text with LF line ends, so a Maildir written either way matches.
  return createHash('sha256').update(bytes.toString('latin1').replace(/\r\n/g, '\n')).digest('hex');
}

function isDirectory(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}
