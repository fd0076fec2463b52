/**
 * The capstone, a file exercise: a fetcher that leaves mail on the server. `run` (check.ts) drives
 * the learner's `fetchMail` through a fixed scenario; the goals judge what it recorded.
 */
import type { CheckVerdict, ExerciseUnitDefinition, Facts } from '../../../../src/tutor';
import { verdict } from '../../../common';
import { run as runScenario } from './check';
import { OLDER_THAN_DAYS } from './scenario';
import type { FetcherCheck, MaildirSnapshot, RunName, RunRecord } from './scenario';

/** What the last run found (undefined before one, or when the file could not run). */
const found = (f: Facts): FetcherCheck | undefined => {
  const result = f.exercise?.result as FetcherCheck | undefined;
  return result && result.problem === undefined ? result : undefined;
};
const run = (f: Facts, name: RunName): RunRecord | undefined => found(f)?.runs[name];
const finished = (r: RunRecord | undefined): r is RunRecord => r !== undefined && r.threw === undefined && !r.timedOut;
const sorted = (uids: readonly string[]): string => [...uids].sort().join(' ');

/** Every message of the maildrop stored once, nothing else in new/ or cur/, tmp/ empty. */
const holdsExactly = (c: FetcherCheck, m: MaildirSnapshot, uids: readonly string[] = c.messages.map((x) => x.uid)): boolean =>
  m.folders && m.tmp.length === 0 && m.unmatched.length === 0 && sorted(m.stored) === sorted(uids);

/** Why there is nothing to judge yet, or undefined when the last run went through the scenario. */
const notRun = (f: Facts): CheckVerdict | undefined => {
  if (!f.exercise) return verdict(false, 'the file has not been run yet');
  const problem = f.exercise.error?.message ?? (f.exercise.result as FetcherCheck | undefined)?.problem;
  return problem === undefined ? undefined : verdict(false, `the scenario could not run: ${problem}`);
};

/** What went wrong in one run, as a clause. */
const runTrouble = (r: RunRecord | undefined): string =>
  !r ? 'it did not happen' : r.timedOut ? 'it did not finish in time' : r.threw ? `it threw ${r.threw.code ?? r.threw.name}: ${r.threw.message}` : 'it finished';

/** Unique-ids of the messages dated before the clean-up cutoff. */
const oldOnes = (c: FetcherCheck): Set<string> => new Set(c.messages.filter((m) => m.old).map((m) => m.uid));

const exercise: ExerciseUnitDefinition = {
  formatVersion: 1,
  title: 'Capstone: a fetcher that leaves mail on the server',
  summary: 'Sync new mail by UIDL into a Maildir, resume after a dropped connection, clean up old mail',
  rfc: ['RFC 1939 §5', 'RFC 1939 §6', 'RFC 1939 §7', 'RFC 5322 §3.6.1'],
  file: 'fetcher.ts',
  // Six runs of the learner's fetcher, two of them cut short by the server.
  timeoutMs: 60_000,
  run: runScenario,
  goals: [
    {
      id: 'sync',
      text: "A first run stores every message of alice's maildrop in `new/`, one file each, byte for byte, `tmp/` left empty",
      check: (f) => {
        const c = found(f);
        const sync = run(f, 'sync');
        if (!c) return notRun(f) ?? verdict(false, 'nothing was found');
        if (!finished(sync)) return verdict(false, `the first run did not finish: ${runTrouble(sync)}`);
        const m = sync.maildir;
        return verdict(
          holdsExactly(c, m) && sync.deleted.length === 0,
          !m.folders ? 'tmp/, new/ and cur/ are not all there' : m.tmp.length > 0 ? `${m.tmp.length} file(s) were left in tmp/` : m.unmatched.length > 0 ? `${m.unmatched.length} file(s) in new/ are not messages of the maildrop, byte for byte` : sync.deleted.length > 0 ? 'it deleted mail on the server, unasked' : `it should store each of the ${c.messages.length} messages once`,
          `the first run stored ${m.stored.length}`,
        );
      },
      hints: [
        'Work through TODOs 1 to 4 in `fetcher.ts`: log in, `await pop.uidl()`, then `await pop.retr(entry.n)` for each entry, and deliver `message.bytes`.',
        'Deliver the Maildir way: `writeFileSync(path.join(dir, "tmp", name), bytes)`, then `renameSync` it into `new/`. Write the bytes as they came; do not decode them.',
        'The line the check prints for the `sync` run says what went wrong: what it threw, how many messages were stored, anything left in `tmp/`.',
      ],
    },
    {
      id: 'remember',
      text: 'A second run retrieves nothing again: it remembers, on disk, the unique-ids it stored (RFC 1939 §7)',
      check: (f) => {
        const sync = run(f, 'sync');
        const again = run(f, 'again');
        const waiting = notRun(f);
        if (waiting) return waiting;
        if (!finished(sync) || sync.maildir.stored.length === 0) return verdict(false, 'the first run has to store mail first');
        if (!finished(again)) return verdict(false, `the second run did not finish: ${runTrouble(again)}`);
        return verdict(again.retrieved.length === 0 && again.maildir.stored.length === sync.maildir.stored.length, 'it should retrieve nothing and store nothing more', `the second run retrieved ${again.retrieved.length}`);
      },
      hints: [
        'Each run starts from nothing but the Maildir: keep the unique-ids in a file there (`.seen-uids`, one per line), read it at the start, skip the entries it lists.',
        "`readSeen`: `new Set(readFileSync(file, 'utf8').split('\\n').filter(Boolean))` when the file exists; `remember`: `appendFileSync(file, uid + '\\n')`.",
      ],
    },
    {
      id: 'resume',
      text: 'Cut off by the server (twice), the next run keeps what was stored and fetches only the rest, even after mail was deleted elsewhere',
      check: (f) => {
        const c = found(f);
        const interrupted = run(f, 'interrupted');
        const dropped = run(f, 'dropped-mid-retr');
        const resumed = run(f, 'resumed');
        if (!c || !interrupted || !dropped) return notRun(f) ?? verdict(false, 'the interrupted runs did not happen');
        if (!finished(resumed)) return verdict(false, `the run after the interruptions did not finish: ${runTrouble(resumed)}`);
        const before = new Set(dropped.maildir.stored);
        if (interrupted.maildir.stored.length === 0 || interrupted.maildir.unmatched.length > 0) return verdict(false, 'what a run cut off had stored was not kept whole', 'the first interrupted run');
        if (dropped.maildir.unmatched.length > 0 || sorted(dropped.maildir.stored) !== sorted(interrupted.maildir.stored)) return verdict(false, 'a run cut off in the middle of RETR must neither lose what was stored nor store half a message');
        if (resumed.retrieved.some((uid) => before.has(uid))) return verdict(false, 'it fetched again what was already stored', 'the resumed run finished');
        return verdict(holdsExactly(c, resumed.maildir), 'it should end with every message stored once', `the resumed run left ${resumed.maildir.stored.length} stored`);
      },
      hints: [
        'Deliver and remember each message as soon as it arrives, not at the end: when the connection drops, what was stored stays stored and remembered.',
        'Key everything on `entry.uid`, never `entry.n`: once messages are deleted elsewhere, the numbers of the others change between sessions (RFC 1939 §7).',
        'Let the error from the dropped connection propagate (close the client in a `catch` and rethrow); the next run picks up from the file of unique-ids.',
      ],
    },
    {
      id: 'progress',
      text: 'Show a progress bar with `done/total` after each message',
      check: (f) => {
        const sync = run(f, 'sync');
        if (!finished(sync) || sync.retrieved.length === 0) return notRun(f) ?? verdict(false, 'the first run has to retrieve mail first');
        const total = sync.retrieved.length;
        let at = 0;
        for (let done = 1; done <= total; done++) {
          const next = sync.output.indexOf(`${done}/${total}`, at);
          if (next < 0) return verdict(false, `\`${done}/${total}\` never came after the ones before it`, sync.output === '' ? 'nothing was written to `options.output`' : undefined);
          at = next;
        }
        return { met: true };
      },
      hints: [
        'After each message, `output.write(\'\\r\' + progressBar(done, total))`; `\\r` takes the cursor back to the start of the line, so the bar redraws in place.',
        'Write to `options.output` (the check passes its own), and end with `\\n`. For the bar: `"#".repeat(filled) + "-".repeat(width - filled)`.',
      ],
    },
    {
      id: 'delete-old',
      text: `With \`deleteOlderThanDays: ${OLDER_THAN_DAYS}\`, delete on the server exactly the stored messages dated before the cutoff, and QUIT so it happens (RFC 1939 §6)`,
      check: (f) => {
        const c = found(f);
        const cleanup = run(f, 'cleanup');
        if (!c) return notRun(f) ?? verdict(false, 'nothing was found');
        if (!finished(cleanup)) return verdict(false, `the clean-up run did not finish: ${runTrouble(cleanup)}`);
        const old = oldOnes(c);
        const expected = c.beforeCleanup.filter((uid) => old.has(uid));
        const stored = new Set(cleanup.maildir.stored);
        const others = (['sync', 'again', 'interrupted', 'dropped-mid-retr', 'resumed'] as const).map((name) => run(f, name));
        if (!others.every((r) => r !== undefined && r.deleted.length === 0)) return verdict(false, 'only the clean-up run may delete mail on the server');
        if (sorted(cleanup.deleted) !== sorted(expected) || !cleanup.deleted.every((uid) => stored.has(uid))) {
          return verdict(false, `it should mark exactly the ${expected.length} stored messages dated before the cutoff`, `the clean-up marked ${cleanup.deleted.length}`);
        }
        if (!cleanup.committed) return verdict(false, 'no QUIT followed, so the server removed nothing (RFC 1939 §6)', 'the right messages were marked');
        return verdict(expected.length > 0 && sorted(c.afterCleanup) === sorted(c.beforeCleanup.filter((uid) => !old.has(uid))), 'the server does not hold what it should afterwards');
      },
      hints: [
        'The cutoff is `options.now.getTime() - days * 24 * 60 * 60 * 1000`; use the clock you are given, never `new Date()`.',
        "The date is in each message's header: `(await pop.top(entry.n, 0)).header('date')`, and `Date.parse` reads it. Only delete what this Maildir has stored.",
        '`DELE` only marks. The server removes marked messages after `QUIT`, in the UPDATE state; without QUIT nothing is deleted (RFC 1939 §6).',
      ],
    },
  ],
  mistakes: [
    {
      id: 'refetches',
      goal: 'remember',
      when: (f) => (run(f, 'again')?.retrieved.length ?? 0) > 0,
      hint: 'The second run retrieved messages again. Keep the unique-ids you stored in a file in the Maildir and read it at the start: nothing in memory outlives a run.',
    },
    {
      id: 'message-numbers',
      goal: 'resume',
      when: (f) => {
        const c = found(f);
        const resumed = run(f, 'resumed');
        const dropped = run(f, 'dropped-mid-retr');
        const again = run(f, 'again');
        if (!c || !finished(resumed) || !dropped || again?.retrieved.length !== 0 || c.deletedElsewhere.length === 0) return false;
        // What the resumed run should have fetched (on the server then, not stored before it),
        // against what it did: numbers were the cause when a message it skipped now holds a
        // number a stored message had when it was stored, or when it fetched a stored one again.
        const stored = new Set(dropped.maildir.stored);
        const expected = resumed.listing.filter((e) => !stored.has(e.uid));
        const fetched = new Set(resumed.retrieved);
        const storedUnder = new Set(
          (['interrupted', 'dropped-mid-retr'] as const).flatMap((name) => run(f, name)?.listing.filter((e) => stored.has(e.uid)).map((e) => e.n) ?? []),
        );
        const skippedByNumber = expected.some((e) => !fetched.has(e.uid) && storedUnder.has(e.n));
        return skippedByNumber || resumed.retrieved.some((uid) => stored.has(uid));
      },
      hint: 'After two messages were deleted elsewhere, some messages were never fetched. Message-numbers change between sessions; unique-ids do not (RFC 1939 §7): remember `entry.uid`, not `entry.n`.',
    },
    {
      id: 'no-quit',
      goal: 'delete-old',
      when: (f) => {
        const cleanup = run(f, 'cleanup');
        return cleanup !== undefined && cleanup.deleted.length > 0 && !cleanup.committed;
      },
      hint: 'The server marked messages deleted, but they are still there: the connection closed without `QUIT`. Deletions happen only in the UPDATE state, after QUIT (RFC 1939 §6).',
    },
    {
      id: 'deletes-new-mail',
      goal: 'delete-old',
      when: (f) => {
        const c = found(f);
        const cleanup = run(f, 'cleanup');
        if (!c || !cleanup) return false;
        const old = oldOnes(c);
        return cleanup.deleted.some((uid) => !old.has(uid));
      },
      hint: `Messages newer than the cutoff were deleted. Keep a message when its Date: is on or after \`options.now\` minus ${OLDER_THAN_DAYS} days (the check's clock is 2025-11-01).`,
    },
    {
      id: 'left-in-tmp',
      when: (f) => Object.values(found(f)?.runs ?? {}).some((r) => r !== undefined && r.maildir.tmp.length > 0),
      hint: 'Files were left in `tmp/`. Write each message into `tmp/`, then rename it into `new/` (`renameSync`): the rename is what delivers it, all at once.',
    },
  ],
};

export default exercise;
