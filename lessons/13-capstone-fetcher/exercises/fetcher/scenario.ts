/**
 * The capstone's scenario as data: the constants of the runs and the shape of what they
 * record, shared by check.ts, which runs them, and the goals in exercise.ts, which judge them.
 */

/** The check's "now": the seed's mail is dated 2025-01-06 to 2025-10-28. */
export const CLOCK = '2025-11-01T00:00:00.000Z';
/** `deleteOlderThanDays` in the clean-up run: the cutoff is 2025-08-03T00:00:00Z. */
export const OLDER_THAN_DAYS = 90;
/** The account the check syncs. */
export const ACCOUNT = 'alice';
/** The interrupted run: the server drops the connection once it has answered this many commands. */
export const DROP_AFTER_COMMANDS = 10;
/** How many stored messages "another mail client" deletes on the server before the resumed run. */
export const DELETED_ELSEWHERE = 2;

/** The runs, in the order they happen. */
export const RUN_NAMES = ['sync', 'again', 'interrupted', 'dropped-mid-retr', 'resumed', 'cleanup'] as const;
export type RunName = (typeof RUN_NAMES)[number];

/** One message of the maildrop, as the check knows it. */
export interface ReferenceMessage {
  uid: string;
  /** The Date: field, as milliseconds; NaN when missing. */
  date: number;
  /** Dated before the clean-up cutoff. */
  old: boolean;
}

/** A Maildir after a run. */
export interface MaildirSnapshot {
  /** tmp/, new/ and cur/ all exist. */
  folders: boolean;
  /** Files left in tmp/. */
  tmp: string[];
  /** Unique-ids of the messages stored in new/ and cur/, matched by content (a uid twice: stored twice). */
  stored: string[];
  /** Files in new/ or cur/ that are no message of the maildrop (half a message, or a wrong one). */
  unmatched: string[];
}

/** One call of the learner's fetchMail. */
export interface RunRecord {
  name: RunName;
  /** What it threw, if it did. */
  threw?: { name: string; code?: string; message: string };
  /** It did not finish in time. */
  timedOut?: boolean;
  /** What it wrote to `output` (the progress bar). */
  output: string;
  /** Unique-ids whose RETR reply the server sent whole. */
  retrieved: string[];
  /** Unique-ids the server marked deleted (DELE +OK). */
  deleted: string[];
  /** A QUIT in TRANSACTION was answered +OK: the server entered UPDATE and removed the marked messages. */
  committed: boolean;
  /** Sessions the program left open when it returned (no QUIT, no close); the check closed them. */
  leftOpen: number;
  /** The unique-id listing when the run began: which message-number each message had then. */
  listing: { n: number; uid: string }[];
  maildir: MaildirSnapshot;
}

/** Everything the goals judge. */
export interface FetcherCheck {
  /** Why the scenario could not run at all (no fetchMail export, a file that does not compile). */
  problem?: string;
  messages: ReferenceMessage[];
  runs: Partial<Record<RunName, RunRecord>>;
  /** Messages on the server before the resumed run, deleted there meanwhile "by another client". */
  deletedElsewhere: string[];
  /** Unique-ids on the server before and after the clean-up run. */
  beforeCleanup: string[];
  afterCleanup: string[];
}
