import type { NodeSandbox, SandboxCertificates } from '../sandbox-server';
import { createNodeSandbox } from '../sandbox-server';
import type { FaultSpec, TranscriptEntry } from '../src/protocol';
import type { Progress } from '../src/tutor';
import { emptyProgress } from '../src/tutor';
import { FileProgressStore } from '../src/tutor/node';
import type { DataPaths, LearnerEntry } from './data-folder';
import { ERRORS_KEPT, LEARNER_CONNECT_RATE, LEARNER_LOG_LIMIT, LEARNER_REQUEST_RATE } from './limits';
import { TokenBucket } from './rate-limit';

/** An error a learner met: a `-ERR` the server sent, or one the REPL reported (by code). */
export interface ErrorRecord {
  at: number;
  lesson?: string;
  /** `-ERR` line or the REPL's error code, e.g. `-ERR [AUTH] invalid password` or `TS2345`. */
  text: string;
}

/** What the classroom knows of a learner besides progress (kept in `activity.json`). */
export interface LearnerActivity {
  /** Last POP3 command, evaluation or report (ms since the epoch); 0 before any. */
  lastActivity: number;
  /** A raised hand (`.help-me`): its message and when. */
  hand?: { message: string; at: number; lesson?: string };
  /** Evaluations reported per lesson id. */
  attempts: Record<string, number>;
  /** Mistake hints shown per lesson id, by mistake id, with counts. */
  mistakes: Record<string, Record<string, number>>;
  /** The newest errors, oldest first. */
  errors: ErrorRecord[];
}

/** An event for one learner's REPL: a log entry (with its index) or a control message. */
export type LearnerEvent =
  | { type: 'entry'; index: number; entry: TranscriptEntry }
  | { type: 'control'; data: Record<string, unknown> };

/** One learner in the running classroom: roster entry, sandbox, log, progress, presence, limits. */
export class LearnerRuntime {
  readonly entry: LearnerEntry;
  readonly store: FileProgressStore;
  progress: Progress;
  activity: LearnerActivity;
  /** Faults of the lesson state last applied (the instructor's are laid over them). */
  lessonFaults: { faults?: FaultSpec; accountFaults?: Record<string, FaultSpec> } = {};
  /** Open POP3 forwards. */
  connections = 0;
  readonly connectRate = new TokenBucket(LEARNER_CONNECT_RATE);
  readonly requestRate = new TokenBucket(LEARNER_REQUEST_RATE);
  /** The REPL's event streams: online while one is open. */
  readonly streams = new Set<(event: LearnerEvent) => void>();
  /** When the last stream closed (ms); offline is shown a little later, to ride out a reconnect. */
  streamClosedAt = 0;
  /** Entries appended to this learner's log since the classroom started; the next index. */
  logCount = 0;
  /** Sessions connected and not closed yet. */
  readonly openSessions = new Set<string>();
  #sandbox: Promise<NodeSandbox> | undefined;
  readonly #paths: DataPaths;
  readonly #certificates: SandboxCertificates;
  readonly #onEntry: (learner: LearnerRuntime, entry: TranscriptEntry) => void;
  readonly #settled: (() => void)[] = [];

  constructor(entry: LearnerEntry, paths: DataPaths, certificates: SandboxCertificates, onEntry: (learner: LearnerRuntime, entry: TranscriptEntry) => void, activity?: LearnerActivity) {
    this.entry = entry;
    this.#paths = paths;
    this.#certificates = certificates;
    this.#onEntry = onEntry;
    this.store = new FileProgressStore(paths.progress(entry.id));
    try {
      this.progress = this.store.load();
    } catch {
      // An unreadable progress file is left alone; the next report is merged into a fresh one.
      this.progress = emptyProgress();
    }
    this.activity = activity ?? { lastActivity: 0, attempts: {}, mistakes: {}, errors: [] };
  }

  get id(): string {
    return this.entry.id;
  }

  /** The lesson id the learner is in, as their last progress report said. */
  get currentLesson(): string | undefined {
    return this.progress.current;
  }

  /** This learner's sandbox: every seed account, mail in `mail/<id>/` (opened on first use). */
  sandbox(): Promise<NodeSandbox> {
    this.#sandbox ??= createNodeSandbox({
      maildir: this.#paths.mail(this.entry.id),
      certificates: this.#certificates,
      logLimit: LEARNER_LOG_LIMIT,
      requireTls: false,
    }).then((sandbox) => {
      sandbox.log.on('entry', (entry) => this.#record(entry));
      return sandbox;
    });
    this.#sandbox.catch(() => {
      this.#sandbox = undefined;
    });
    return this.#sandbox;
  }

  /** The sandbox if it was opened (for closing). */
  get openedSandbox(): Promise<NodeSandbox> | undefined {
    return this.#sandbox;
  }

  /** Resolves once no session of this learner is open (maildrop locks released, RFC 1939 §8), or after `timeoutMs`. */
  settled(timeoutMs: number): Promise<void> {
    if (this.openSessions.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const settledList = this.#settled;
      function done(): void {
        clearTimeout(timer);
        const at = settledList.indexOf(done);
        if (at !== -1) settledList.splice(at, 1);
        resolve();
      }
      settledList.push(done);
    });
  }

  /** The log entries from `index` on that the sandbox still holds, with their indexes. */
  async entriesFrom(index: number): Promise<{ index: number; entry: TranscriptEntry }[]> {
    if (!this.#sandbox) return [];
    const entries = (await this.#sandbox).log.entries;
    const first = this.logCount - entries.length;
    const out: { index: number; entry: TranscriptEntry }[] = [];
    for (let i = Math.max(index, first); i < this.logCount; i++) out.push({ index: i, entry: entries[i - first]! });
    return out;
  }

  /** The newest `count` log entries. */
  async tail(count: number): Promise<TranscriptEntry[]> {
    if (!this.#sandbox) return [];
    return (await this.#sandbox).log.entries.slice(-count);
  }

  /** Sends an event to every open stream of this learner. */
  send(event: LearnerEvent): void {
    for (const stream of [...this.streams]) stream(event);
  }

  /** Keeps an error, dropping the oldest past {@link ERRORS_KEPT}. */
  recordError(error: ErrorRecord): void {
    this.activity.errors.push(error);
    if (this.activity.errors.length > ERRORS_KEPT) this.activity.errors.splice(0, this.activity.errors.length - ERRORS_KEPT);
  }

  #record(entry: TranscriptEntry): void {
    const index = this.logCount++;
    if (entry.direction === '*') {
      if (entry.keyword === 'CONNECT') this.openSessions.add(entry.session);
      else if (entry.keyword === 'CLOSE') {
        this.openSessions.delete(entry.session);
        if (this.openSessions.size === 0) for (const done of [...this.#settled]) done();
      }
    }
    this.#onEntry(this, entry);
    this.send({ type: 'entry', index, entry });
  }
}
