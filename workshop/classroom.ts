import type { SandboxCertificates } from '../sandbox-server';
import { applyStartState } from '../sandbox-server';
import type { FaultSpec, TranscriptEntry } from '../src/protocol';
import { checkFaultSpec } from '../src/protocol';
import type { Lesson, LessonStartState, Progress } from '../src/tutor';
import { ActivityBook } from './activity-book';
import type { ClassroomSettings, LearnerEntry, OpenedData, Release } from './data-folder';
import { saveLearners, saveSettings, uniqueCode } from './data-folder';
import { HttpRefusal } from './errors';
import { normalizeJoinCode, sameCode } from './join-codes';
import { LearnerRuntime } from './learner';
import type { LearnerEvent } from './learner';
import { DEFAULT_IDLE_MINUTES, DEVICE_TAKEOVER_MS, OFFLINE_AFTER_MS } from './limits';

/** What changed, for the dashboard: one learner's row, or the room (release, faults, settings). */
export type ClassroomChange = { kind: 'learner'; id: string } | { kind: 'room' };

/** Options of {@link Classroom.open}. */
export interface ClassroomOptions {
  data: OpenedData;
  lessons: readonly Lesson[];
  certificates: SandboxCertificates;
  /** Minutes without activity, mid-lesson, before a learner counts as stuck. */
  idleMinutes?: number;
  /** Passwords of the seed accounts: masked wherever the dashboard, room view or exports would show them. */
  passwords?: readonly string[];
}

/** What a learner's REPL is told when it joins, and again on every release. */
export interface JoinInfo {
  learner: { id: string; name: string };
  /** This run of the classroom: log indexes start again from 0 after a restart. */
  epoch: string;
  release: Release;
  unlockedUpTo: number;
  lessons: number;
}

/**
 * The running classroom: every learner's private sandbox (every seed account, Maildir under
 * `mail/<id>/`), join codes, progress, activity and presence, the instructor's pacing and
 * faults, and the changes the dashboard shows. One learner's mail, log, faults, locks and
 * progress never touch another's: each has a sandbox of their own.
 */
export class Classroom {
  readonly settings: ClassroomSettings;
  readonly lessons: readonly Lesson[];
  readonly data: OpenedData;
  readonly book: ActivityBook;
  readonly idleMinutes: number;
  /** The CA learners trust, and the server certificate it signed (also used inside forwards for STLS). */
  readonly certificates: SandboxCertificates;
  /** Names this run of the classroom, so a REPL resuming its log stream knows indexes began again. */
  readonly epoch = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  readonly #learners = new Map<string, LearnerRuntime>();
  readonly #listeners = new Set<(change: ClassroomChange) => void>();
  readonly #passwords: readonly string[];

  private constructor(options: ClassroomOptions) {
    this.data = options.data;
    this.settings = options.data.settings;
    this.lessons = options.lessons;
    this.idleMinutes = options.idleMinutes ?? DEFAULT_IDLE_MINUTES;
    this.certificates = options.certificates;
    this.#passwords = (options.passwords ?? []).filter((p) => p.length >= 3);
    this.book = new ActivityBook(options.data.paths.activity);
    const activities = this.book.load();
    for (const entry of options.data.learners) {
      const learner = new LearnerRuntime(entry, options.data.paths, options.certificates, (l, e) => this.#onEntry(l, e), activities.get(entry.id));
      this.#learners.set(entry.id, learner);
    }
  }

  /** Opens the classroom over an opened data folder. */
  static open(options: ClassroomOptions): Classroom {
    return new Classroom(options);
  }

  /** Every learner, in roster order. */
  get learners(): LearnerRuntime[] {
    return [...this.#learners.values()];
  }

  learner(id: string): LearnerRuntime | undefined {
    return this.#learners.get(id);
  }

  /** Calls `listener` after each change the dashboard should show. */
  onChange(listener: (change: ClassroomChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** `text` with every seed password replaced by `***` (a lesson's goal text, or a learner typing one into a message). */
  redact(text: string): string {
    let out = text;
    for (const password of this.#passwords) out = out.split(password).join('***');
    return out;
  }

  /** True while the learner's REPL holds an event stream (or lost it moments ago). */
  isOnline(learner: LearnerRuntime, now = Date.now()): boolean {
    return learner.streams.size > 0 || (learner.streamClosedAt > 0 && now - learner.streamClosedAt < OFFLINE_AFTER_MS);
  }

  /**
   * The learner a join code belongs to.
   * @throws HttpRefusal 401 `BAD_CODE` (unknown, or not a code at all) or 401 `CODE_REPLACED`.
   */
  byCode(typed: string): LearnerRuntime {
    const code = normalizeJoinCode(typed);
    if (code !== undefined) {
      for (const learner of this.#learners.values()) if (sameCode(learner.entry.code, code)) return learner;
      for (const learner of this.#learners.values()) {
        if (learner.entry.revokedCodes.some((old) => sameCode(old, code))) {
          throw new HttpRefusal(401, 'CODE_REPLACED', 'this join code was replaced by the instructor; ask for your new slip');
        }
      }
    }
    throw new HttpRefusal(401, 'BAD_CODE', 'unknown join code: check the code on your slip (8 letters and digits, e.g. ABCD-EFGH)');
  }

  /**
   * Joins a learner's REPL (`device`: its own random id). Another device may take the code over
   * only when the one holding it has been silent for a while, so a neighbour who types the wrong
   * slip is told instead of taking over someone's work.
   * @throws HttpRefusal 409 `CODE_IN_USE`.
   */
  join(learner: LearnerRuntime, device: string): JoinInfo {
    const holder = learner.entry.device;
    if (holder !== undefined && holder !== device && (learner.streams.size > 0 || Date.now() - learner.activity.lastActivity < DEVICE_TAKEOVER_MS)) {
      throw new HttpRefusal(409, 'CODE_IN_USE', `this join code is in use by another REPL (${learner.entry.name}); close that one first (or wait a minute), or check that the slip is yours`);
    }
    if (holder !== device) {
      learner.entry.device = device;
      saveLearners(this.data.paths, this.learners.map((l) => l.entry));
    }
    this.touch(learner);
    return this.joinInfo(learner);
  }

  joinInfo(learner: LearnerRuntime): JoinInfo {
    return {
      learner: { id: learner.id, name: learner.entry.name },
      epoch: this.epoch,
      release: this.settings.release,
      unlockedUpTo: learner.entry.unlockedUpTo ?? 0,
      lessons: this.lessons.length,
    };
  }

  /** Subscribes to a learner's events, first replaying log entries from `from` (a resumed stream). */
  async subscribe(learner: LearnerRuntime, from: number | undefined, send: (event: LearnerEvent) => void): Promise<() => void> {
    await learner.sandbox();
    if (from !== undefined) for (const { index, entry } of await learner.entriesFrom(from)) send({ type: 'entry', index, entry });
    learner.streams.add(send);
    this.#changed({ kind: 'learner', id: learner.id });
    return () => {
      learner.streams.delete(send);
      if (learner.streams.size === 0) {
        learner.streamClosedAt = Date.now();
        // Shown offline once the grace has passed without a new stream.
        setTimeout(() => this.#changed({ kind: 'learner', id: learner.id }), OFFLINE_AFTER_MS + 50).unref();
      }
    };
  }

  /**
   * Puts the learner's accounts in a lesson's start state (mailboxes and faults), with the
   * instructor's faults laid over the lesson's.
   * @throws SandboxError `UNKNOWN_SEED_MESSAGE` or `BAD_OPTION` for a state that names what does not exist.
   */
  async applyState(learner: LearnerRuntime, state: LessonStartState | undefined): Promise<void> {
    const sandbox = await learner.sandbox();
    learner.lessonFaults = { ...(state?.faults ? { faults: state.faults } : {}), ...(state?.accountFaults ? { accountFaults: { ...state.accountFaults } } : {}) };
    await applyStartState(sandbox, { ...(state?.mailboxes ? { mailboxes: state.mailboxes } : {}) });
    this.#applyFaults(learner, sandbox);
    this.touch(learner);
  }

  /** Switches the lesson's faults for a learner (without touching mail), the instructor's still over them. */
  async setLessonFaults(learner: LearnerRuntime, faults: FaultSpec | undefined): Promise<void> {
    const sandbox = await learner.sandbox();
    learner.lessonFaults = faults ? { faults: checkFaultSpec(faults) } : {};
    this.#applyFaults(learner, sandbox);
  }

  /** Merges a progress report into the learner's progress file (done wins; docs/lesson-format.md, "Progress"). */
  reportProgress(learner: LearnerRuntime, progress: Progress): Progress {
    learner.progress = learner.store.save(progress);
    this.touch(learner);
    return learner.progress;
  }

  /** Records evaluations, mistakes shown and REPL errors the learner's REPL reported. */
  reportActivity(learner: LearnerRuntime, report: { lesson?: string; evaluations?: number; mistakes?: string[]; errors?: string[] }): void {
    const lesson = report.lesson ?? learner.currentLesson;
    if (lesson !== undefined) {
      learner.activity.attempts[lesson] = (learner.activity.attempts[lesson] ?? 0) + (report.evaluations ?? 0);
      const mistakes = (learner.activity.mistakes[lesson] ??= {});
      for (const id of report.mistakes ?? []) {
        mistakes[id] = (mistakes[id] ?? 0) + 1;
        this.book.countMistake(lesson, id, learner.id);
      }
    }
    for (const text of report.errors ?? []) learner.recordError({ at: Date.now(), text: this.redact(text), ...(lesson ? { lesson } : {}) });
    this.touch(learner);
  }

  /** A raised hand (`.help-me`). */
  raiseHand(learner: LearnerRuntime, message: string): void {
    learner.activity.hand = { message: this.redact(message), at: Date.now(), ...(learner.currentLesson ? { lesson: learner.currentLesson } : {}) };
    this.touch(learner);
  }

  /** Lowers a learner's hand (a mentor came) and tells their REPL. */
  lowerHand(learner: LearnerRuntime): void {
    delete learner.activity.hand;
    learner.send({ type: 'control', data: { type: 'notice', text: 'A mentor marked your question as answered.' } });
    this.touch(learner);
  }

  /** Puts the learner's accounts back in the start state of the lesson they are in, and tells them. */
  async resetLearner(learner: LearnerRuntime): Promise<void> {
    const lesson = this.lessons.find((l) => l.id === learner.currentLesson);
    await this.applyState(learner, lesson?.definition.start);
    learner.send({ type: 'control', data: { type: 'notice', text: `The instructor reset your mailboxes${lesson ? ` to the start of lesson ${lesson.number}` : ''}.` } });
  }

  /**
   * Opens lesson `number` for the learner (skip-ahead), puts their accounts in its start
   * state and moves their REPL there.
   * @throws HttpRefusal 400 `NO_SUCH_LESSON`.
   */
  async goToLesson(learner: LearnerRuntime, number: number): Promise<void> {
    const lesson = this.lessonNumber(number);
    learner.entry.unlockedUpTo = Math.max(learner.entry.unlockedUpTo ?? 0, number);
    saveLearners(this.data.paths, this.learners.map((l) => l.entry));
    await this.applyState(learner, lesson.definition.start);
    learner.send({ type: 'control', data: { type: 'goto', lesson: lesson.id, number, unlockedUpTo: learner.entry.unlockedUpTo } });
  }

  /** Releases lessons up to `number` to the room (pacing), or every lesson (`self-paced`); earlier releases stay open. */
  release(release: Release): void {
    if (release.mode === 'paced') this.lessonNumber(release.upTo);
    const previous = this.settings.release;
    this.settings.release = release.mode === 'paced' && previous.mode === 'paced' ? { mode: 'paced', upTo: Math.max(previous.upTo, release.upTo) } : release;
    saveSettings(this.data.paths, this.settings);
    for (const learner of this.#learners.values()) learner.send({ type: 'control', data: { type: 'release', release: this.settings.release } });
    this.#changed({ kind: 'room' });
  }

  /**
   * Switches an instructor's fault on (or off, with undefined) for the room or one learner.
   * @throws InvalidArgumentError for a malformed spec.
   */
  async setInstructorFault(spec: FaultSpec | undefined, learner?: LearnerRuntime): Promise<void> {
    const checked = spec === undefined ? undefined : checkFaultSpec(spec);
    if (learner) {
      if (checked) this.settings.faults.learners[learner.id] = checked;
      else delete this.settings.faults.learners[learner.id];
    } else if (checked) this.settings.faults.room = checked;
    else delete this.settings.faults.room;
    saveSettings(this.data.paths, this.settings);
    for (const target of learner ? [learner] : this.#learners.values()) {
      const opened = target.openedSandbox;
      if (opened) this.#applyFaults(target, await opened);
    }
    this.#changed(learner ? { kind: 'learner', id: learner.id } : { kind: 'room' });
  }

  /** Shows names on the room view, or numbers. */
  setHideNames(hide: boolean): void {
    this.settings.hideNames = hide;
    saveSettings(this.data.paths, this.settings);
    this.#changed({ kind: 'room' });
  }

  /** Gives a learner a new join code (a lost or shared slip); the old one is refused with a message saying so. */
  replaceCode(learner: LearnerRuntime): string {
    learner.entry.revokedCodes.push(learner.entry.code);
    learner.entry.code = uniqueCode(new Map(this.learners.map((l) => [l.id, l.entry] as [string, LearnerEntry])));
    delete learner.entry.device;
    saveLearners(this.data.paths, this.learners.map((l) => l.entry));
    return learner.entry.code;
  }

  /** Marks the learner active now. */
  touch(learner: LearnerRuntime): void {
    learner.activity.lastActivity = Date.now();
    this.book.dirty(this.learners);
    this.#changed({ kind: 'learner', id: learner.id });
  }

  /** The lesson with this number. @throws HttpRefusal 400 `NO_SUCH_LESSON`. */
  lessonNumber(number: number): Lesson {
    const lesson = this.lessons[number - 1];
    if (!Number.isInteger(number) || !lesson) throw new HttpRefusal(400, 'NO_SUCH_LESSON', `there is no lesson ${String(number)}; lessons are 1 to ${this.lessons.length}`);
    return lesson;
  }

  /** Ends every session (without UPDATE), saves activity, closes the sandboxes and releases the folder. */
  async close(): Promise<void> {
    await Promise.all(this.learners.map(async (learner) => (await learner.openedSandbox?.catch(() => undefined))?.close()));
    await this.book.saveNow(this.learners);
    await this.data.release();
  }

  #applyFaults(learner: LearnerRuntime, sandbox: { setFaults(spec: FaultSpec | undefined, account?: string): void }): void {
    const instructor = { ...this.settings.faults.room, ...this.settings.faults.learners[learner.id] };
    const over = (spec: FaultSpec | undefined): FaultSpec | undefined => {
      const merged = { ...spec, ...instructor };
      return Object.keys(merged).length > 0 ? merged : undefined;
    };
    sandbox.setFaults(over(learner.lessonFaults.faults));
    for (const [account, spec] of Object.entries(learner.lessonFaults.accountFaults ?? {})) sandbox.setFaults(over(spec), account);
  }

  #onEntry(learner: LearnerRuntime, entry: TranscriptEntry): void {
    if (entry.direction === 'C') learner.activity.lastActivity = entry.time;
    if (entry.direction === 'S' && entry.status === '-ERR' && !entry.fault) {
      const lesson = learner.currentLesson;
      learner.recordError({ at: entry.time, text: entry.text, ...(lesson ? { lesson } : {}) });
      if (lesson) this.book.countErr(lesson, entry, learner.id);
    }
    // A row shows activity by the minute and refreshes on reports; only a -ERR changes what it shows now (troubles, errors).
    if (entry.direction === 'S' && entry.status === '-ERR') this.#changed({ kind: 'learner', id: learner.id });
  }

  #changed(change: ClassroomChange): void {
    for (const listener of [...this.#listeners]) listener(change);
  }
}
