import type { Facts, LessonDefinition } from '../../src/tutor';
import { OLDER_THAN_DAYS } from './scenario';
import type { FetcherCheck, MaildirSnapshot, RunName, RunRecord } from './scenario';

/** What the last `.check` found (undefined before one, or when the file could not run). */
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

/** Unique-ids of the messages dated before the clean-up cutoff. */
const oldOnes = (c: FetcherCheck): Set<string> => new Set(c.messages.filter((m) => m.old).map((m) => m.uid));

const lesson: LessonDefinition = {
  formatVersion: 1,
  title: 'Capstone: a fetcher that leaves mail on the server',
  summary: 'Sync new mail by UIDL into a Maildir, resume after a dropped connection, clean up old mail',
  rfc: ['RFC 1939 §5', 'RFC 1939 §6', 'RFC 1939 §7', 'RFC 5322 §3.6.1'],
  start: { mailboxes: { alice: 'seed' } },
  exercise: {
    file: 'fetcher.ts',
    template: 'template/fetcher.ts',
    solution: 'solution/fetcher.ts',
    // Loaded by the Node front end when `.check` runs: it reads the learner's Maildir with node:fs.
    check: 'check.ts',
  },
  goals: [
    {
      id: 'sync',
      text: "A first run stores every message of alice's maildrop in `new/`, one file each, byte for byte, `tmp/` left empty",
      check: (f) => {
        const c = found(f);
        const sync = run(f, 'sync');
        return c !== undefined && finished(sync) && holdsExactly(c, sync.maildir) && sync.deleted.length === 0;
      },
      hints: [
        'Work through TODOs 1 to 4 in `fetcher.ts`: log in, `await pop.uidl()`, then `await pop.retr(entry.n)` for each entry, and deliver `message.bytes`.',
        'Deliver the Maildir way: `writeFileSync(path.join(dir, "tmp", name), bytes)`, then `renameSync` it into `new/`. Write the bytes as they came; do not decode them.',
        'The line `.check` prints for the `sync` run says what went wrong: what it threw, how many messages were stored, anything left in `tmp/`.',
      ],
    },
    {
      id: 'remember',
      text: 'A second run retrieves nothing again: it remembers, on disk, the unique-ids it stored (RFC 1939 §7)',
      check: (f) => {
        const sync = run(f, 'sync');
        const again = run(f, 'again');
        return finished(sync) && sync.maildir.stored.length > 0 && finished(again) && again.retrieved.length === 0 && again.maildir.stored.length === sync.maildir.stored.length;
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
        if (!c || !interrupted || !dropped || !finished(resumed)) return false;
        const before = new Set(dropped.maildir.stored);
        return (
          interrupted.maildir.stored.length > 0 &&
          interrupted.maildir.unmatched.length === 0 &&
          dropped.maildir.unmatched.length === 0 &&
          sorted(dropped.maildir.stored) === sorted(interrupted.maildir.stored) &&
          holdsExactly(c, resumed.maildir) &&
          resumed.retrieved.every((uid) => !before.has(uid))
        );
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
        if (!finished(sync) || sync.retrieved.length === 0) return false;
        const total = sync.retrieved.length;
        let at = 0;
        for (let done = 1; done <= total; done++) {
          const next = sync.output.indexOf(`${done}/${total}`, at);
          if (next < 0) return false;
          at = next;
        }
        return true;
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
        if (!c || !finished(cleanup)) return false;
        const old = oldOnes(c);
        const expected = c.beforeCleanup.filter((uid) => old.has(uid));
        const stored = new Set(cleanup.maildir.stored);
        const others = (['sync', 'again', 'interrupted', 'dropped-mid-retr', 'resumed'] as const).map((name) => run(f, name));
        return (
          expected.length > 0 &&
          sorted(cleanup.deleted) === sorted(expected) &&
          cleanup.committed &&
          sorted(c.afterCleanup) === sorted(c.beforeCleanup.filter((uid) => !old.has(uid))) &&
          cleanup.deleted.every((uid) => stored.has(uid)) &&
          others.every((r) => r !== undefined && r.deleted.length === 0)
        );
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
      example: [
        "const fs = require('node:fs')",
        "fs.writeFileSync(exercise.file, fs.readFileSync(exercise.solution, 'utf8').replace('const seen = readSeen(options.maildir);', 'const seen = new Set<string>();'))",
        '.check',
      ],
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
        // What the resumed run should have fetched: on the server then, and not stored before it.
        const gone = new Set(c.deletedElsewhere);
        const stored = new Set(dropped.maildir.stored);
        const expected = c.messages.map((m) => m.uid).filter((uid) => !gone.has(uid) && !stored.has(uid));
        return sorted(resumed.retrieved) !== sorted(expected);
      },
      hint: 'After two messages were deleted elsewhere, some messages were never fetched. Message-numbers change between sessions; unique-ids do not (RFC 1939 §7): remember `entry.uid`, not `entry.n`.',
      example: [
        "const fs = require('node:fs')",
        "fs.writeFileSync(exercise.file, fs.readFileSync(exercise.solution, 'utf8').replace(/entry\\.uid/g, 'String(entry.n)'))",
        '.check',
      ],
    },
    {
      id: 'no-quit',
      goal: 'delete-old',
      when: (f) => {
        const cleanup = run(f, 'cleanup');
        return cleanup !== undefined && cleanup.deleted.length > 0 && !cleanup.committed;
      },
      hint: 'The server marked messages deleted, but they are still there: the connection closed without `QUIT`. Deletions happen only in the UPDATE state, after QUIT (RFC 1939 §6).',
      example: [
        "const fs = require('node:fs')",
        "fs.writeFileSync(exercise.file, fs.readFileSync(exercise.solution, 'utf8').replace('await pop.quit();', 'pop.close();'))",
        '.check',
      ],
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
      example: [
        "const fs = require('node:fs')",
        "fs.writeFileSync(exercise.file, fs.readFileSync(exercise.solution, 'utf8').replace('date < cutoff', 'date > cutoff'))",
        '.check',
      ],
    },
    {
      id: 'left-in-tmp',
      when: (f) => Object.values(found(f)?.runs ?? {}).some((r) => r !== undefined && r.maildir.tmp.length > 0),
      hint: 'Files were left in `tmp/`. Write each message into `tmp/`, then rename it into `new/` (`renameSync`): the rename is what delivers it, all at once.',
      example: [
        "const fs = require('node:fs')",
        "fs.writeFileSync(exercise.file, fs.readFileSync(exercise.solution, 'utf8').replace('import { appendFileSync,', 'import { copyFileSync, appendFileSync,').replace('renameSync(temporary,', 'copyFileSync(temporary,'))",
        '.check',
      ],
    },
  ],
  solution: [{ goal: 'sync', lines: ['exercise.file', "require('node:fs').copyFileSync(exercise.solution, exercise.file)", '.check'] }],
};

export default lesson;
