import { formatFaultSpec } from './fault-text';
import type { Tally } from './activity-book';
import type { Classroom } from './classroom';
import type { LearnerRuntime } from './learner';
import { LOG_TAIL_LINES, STUCK_FAILED_CHECKS } from './limits';
import { visibleLine } from './log-tail';

/** One lesson of one learner, as a grid cell shows it. */
export interface LessonCell {
  status: 'done' | 'started' | 'none';
  goalsMet: number;
  goalsTotal: number;
  /** `.check` runs that found a goal unmet. */
  failedChecks: number;
  /** Hint tiers shown, over all goals. */
  hints: number;
  /** Evaluations reported in the lesson. */
  attempts: number;
  goals: { id: string; met: boolean; checks: number; hintsShown: number }[];
}

/** One learner's row of the grid. No password, no join code. */
export interface LearnerRow {
  id: string;
  name: string;
  online: boolean;
  /** ms since the epoch; 0 before any activity. */
  lastActivity: number;
  /** The lesson number they are in. */
  current?: number;
  hand?: { message: string; at: number };
  /** The instructor's fault on this learner alone, as `--fault` writes it. */
  fault?: string;
  unlockedUpTo: number;
  lessons: Record<string, LessonCell>;
}

/** Why a learner is in the stuck queue. */
export type StuckReason = 'hand' | 'failing' | 'idle';

/** One entry of the stuck queue, with what a mentor needs before walking over. */
export interface StuckEntry {
  id: string;
  name: string;
  reason: StuckReason;
  detail: string;
  /** Since when (ms): the hand's time, or the last activity. */
  since: number;
  lesson?: number;
  /** The tail of their session log, line ends and terminators visible, secrets masked. */
  tail: string[];
  /** Their last errors, newest last. */
  errors: string[];
}

/** The most common `-ERR` replies and mistakes of one lesson. */
export interface LessonTroubles {
  lesson: string;
  number: number;
  title: string;
  errs: { text: string; count: number; learners: number }[];
  mistakes: { id: string; count: number; learners: number }[];
}

/** Lessons as the dashboard lists them. */
export function lessonColumns(classroom: Classroom): { id: string; number: number; title: string; goals: string[] }[] {
  return classroom.lessons.map((l) => ({ id: l.id, number: l.number, title: l.definition.title, goals: (l.definition.goals ?? []).map((g) => g.id) }));
}

/** A learner's row. */
export function learnerRow(classroom: Classroom, learner: LearnerRuntime): LearnerRow {
  const lessons: Record<string, LessonCell> = {};
  for (const lesson of classroom.lessons) {
    const progress = learner.progress.lessons[lesson.id];
    const goals = (lesson.definition.goals ?? []).map((g) => {
      const state = progress?.goals[g.id];
      return { id: g.id, met: state?.met === true || progress?.status === 'done', checks: state?.checks ?? 0, hintsShown: state?.hintsShown ?? progress?.hints[g.id] ?? 0 };
    });
    const attempts = learner.activity.attempts[lesson.id] ?? 0;
    if (!progress && attempts === 0) continue;
    lessons[lesson.id] = {
      status: progress?.status ?? 'none',
      goalsMet: goals.filter((g) => g.met).length,
      goalsTotal: goals.length,
      failedChecks: progress?.failedChecks ?? 0,
      hints: goals.reduce((sum, g) => sum + g.hintsShown, 0),
      attempts,
      goals,
    };
  }
  const current = classroom.lessons.find((l) => l.id === learner.currentLesson)?.number;
  const fault = classroom.settings.faults.learners[learner.id];
  const hand = learner.activity.hand;
  return {
    id: learner.id,
    name: learner.entry.name,
    online: classroom.isOnline(learner),
    lastActivity: learner.activity.lastActivity,
    ...(current !== undefined ? { current } : {}),
    ...(hand ? { hand: { message: hand.message, at: hand.at } } : {}),
    ...(fault ? { fault: formatFaultSpec(fault) } : {}),
    unlockedUpTo: learner.entry.unlockedUpTo ?? 0,
    lessons,
  };
}

/**
 * The stuck queue: raised hands first (oldest first), then learners whose current lesson has a
 * goal that failed {@link STUCK_FAILED_CHECKS} `.check`s or more, then those online, mid-lesson
 * and idle for the classroom's idle minutes.
 */
export async function stuckQueue(classroom: Classroom, now = Date.now()): Promise<StuckEntry[]> {
  const found: Omit<StuckEntry, 'tail' | 'errors'>[] = [];
  for (const learner of classroom.learners) {
    const lesson = classroom.lessons.find((l) => l.id === learner.currentLesson);
    const progress = lesson ? learner.progress.lessons[lesson.id] : undefined;
    const base = { id: learner.id, name: learner.entry.name, ...(lesson ? { lesson: lesson.number } : {}) };
    const hand = learner.activity.hand;
    if (hand) {
      found.push({ ...base, reason: 'hand', detail: hand.message === '' ? 'raised a hand' : hand.message, since: hand.at });
      continue;
    }
    if (!lesson || progress?.status === 'done') continue;
    const failing = (lesson.definition.goals ?? []).find((g) => !progress?.goals[g.id]?.met && (progress?.goals[g.id]?.checks ?? 0) >= STUCK_FAILED_CHECKS);
    if (failing) {
      found.push({ ...base, reason: 'failing', detail: `${progress?.goals[failing.id]?.checks ?? 0} failed checks on "${classroom.redact(failing.text)}"`, since: learner.activity.lastActivity });
      continue;
    }
    const idleMs = now - learner.activity.lastActivity;
    if (classroom.isOnline(learner, now) && learner.activity.lastActivity > 0 && idleMs >= classroom.idleMinutes * 60_000) {
      found.push({ ...base, reason: 'idle', detail: `idle for ${Math.floor(idleMs / 60_000)} min in lesson ${lesson.number}`, since: learner.activity.lastActivity });
    }
  }
  const order: Record<StuckReason, number> = { hand: 0, failing: 1, idle: 2 };
  found.sort((a, b) => order[a.reason] - order[b.reason] || a.since - b.since);
  return Promise.all(
    found.map(async (entry) => {
      const learner = classroom.learner(entry.id)!;
      return { ...entry, tail: (await learner.tail(LOG_TAIL_LINES)).map(visibleLine), errors: learner.activity.errors.slice(-5).map((e) => e.text) };
    }),
  );
}

/** Per lesson, the five most common `-ERR` replies and mistakes. */
export function roomTroubles(classroom: Classroom): LessonTroubles[] {
  const top = (tallies: Record<string, Tally> | undefined): [string, Tally][] =>
    Object.entries(tallies ?? {})
      .sort((a, b) => b[1].count - a[1].count)
      .slice(0, 5);
  return classroom.lessons
    .map((lesson) => ({
      lesson: lesson.id,
      number: lesson.number,
      title: lesson.definition.title,
      errs: top(classroom.book.errs[lesson.id]).map(([text, t]) => ({ text, count: t.count, learners: t.learners.length })),
      mistakes: top(classroom.book.mistakes[lesson.id]).map(([id, t]) => ({ id, count: t.count, learners: t.learners.length })),
    }))
    .filter((l) => l.errs.length > 0 || l.mistakes.length > 0);
}

/** The room as the instructor controls it: pacing, room fault, names on the room view. */
export function roomSettings(classroom: Classroom): { release: Classroom['settings']['release']; fault?: string; hideNames: boolean; idleMinutes: number } {
  const room = classroom.settings.faults.room;
  return { release: classroom.settings.release, ...(room ? { fault: formatFaultSpec(room) } : {}), hideNames: classroom.settings.hideNames, idleMinutes: classroom.idleMinutes };
}

/** A row of the read-only room view: a name or a number, and each lesson's state. No log, no message, no code. */
export interface RoomRow {
  label: string;
  online: boolean;
  current?: number;
  cells: Record<string, 'done' | 'started'>;
}

/** The room view's rows; names become numbers when the instructor hides them. */
export function roomRows(classroom: Classroom): RoomRow[] {
  return classroom.learners.map((learner, i) => {
    const cells: Record<string, 'done' | 'started'> = {};
    for (const [id, lesson] of Object.entries(learner.progress.lessons)) cells[id] = lesson.status;
    const current = classroom.lessons.find((l) => l.id === learner.currentLesson)?.number;
    return {
      label: classroom.settings.hideNames ? `#${i + 1}` : learner.entry.name,
      online: classroom.isOnline(learner),
      ...(current !== undefined ? { current } : {}),
      cells,
    };
  });
}
