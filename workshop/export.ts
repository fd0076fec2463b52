import { stringify } from 'csv-stringify/sync';
import type { Classroom } from './classroom';

/** The CSV export's columns: one row per learner, lesson and goal (a reading lesson has one row without a goal). */
const COLUMNS = [
  'learner_id',
  'name',
  'lesson_number',
  'lesson_id',
  'lesson_status',
  'completed_at',
  'failed_checks',
  'attempts',
  'goal_id',
  'goal_met',
  'goal_first_met_at',
  'goal_failed_checks',
  'goal_hints_shown',
] as const;

/** Results as JSON: per learner, per lesson, per goal. No join code, token or password. */
export function exportJson(classroom: Classroom): unknown {
  return {
    formatVersion: 1,
    exportedAt: new Date().toISOString(),
    lessons: classroom.lessons.map((l) => ({ id: l.id, number: l.number, title: l.definition.title, goals: (l.definition.goals ?? []).map((g) => ({ id: g.id, text: classroom.redact(g.text) })) })),
    learners: classroom.learners.map((learner) => ({
      id: learner.id,
      name: learner.entry.name,
      current: learner.currentLesson ?? null,
      lessons: Object.fromEntries(
        classroom.lessons.map((lesson) => {
          const progress = learner.progress.lessons[lesson.id];
          return [
            lesson.id,
            {
              status: progress?.status ?? 'not-started',
              completedAt: progress?.completedAt ?? null,
              failedChecks: progress?.failedChecks ?? 0,
              attempts: learner.activity.attempts[lesson.id] ?? 0,
              goals: Object.fromEntries(
                (lesson.definition.goals ?? []).map((g) => {
                  const goal = progress?.goals[g.id];
                  return [g.id, { met: goal?.met === true || progress?.status === 'done', firstMetAt: goal?.firstMetAt ?? null, checks: goal?.checks ?? 0, hintsShown: goal?.hintsShown ?? 0 }];
                }),
              ),
            },
          ];
        }),
      ),
    })),
  };
}

/** Results as CSV (RFC 4180, with a header line). Cells starting with = + - @ are prefixed with ' so a spreadsheet never runs them. */
export function exportCsv(classroom: Classroom): string {
  const rows: (string | number)[][] = [];
  for (const learner of classroom.learners) {
    for (const lesson of classroom.lessons) {
      const progress = learner.progress.lessons[lesson.id];
      const lessonCells = [
        learner.id,
        safeCell(learner.entry.name),
        lesson.number,
        lesson.id,
        progress?.status ?? 'not-started',
        progress?.completedAt ?? '',
        progress?.failedChecks ?? 0,
        learner.activity.attempts[lesson.id] ?? 0,
      ];
      const goals = lesson.definition.goals ?? [];
      if (goals.length === 0) rows.push([...lessonCells, '', '', '', '', '']);
      for (const g of goals) {
        const goal = progress?.goals[g.id];
        const met = goal?.met === true || progress?.status === 'done';
        rows.push([...lessonCells, g.id, met ? 'yes' : 'no', goal?.firstMetAt ?? '', goal?.checks ?? 0, goal?.hintsShown ?? 0]);
      }
    }
  }
  return stringify(rows, { header: true, columns: [...COLUMNS], record_delimiter: 'windows' });
}

/** Guards a free-text cell against spreadsheet formula injection (OWASP, "CSV Injection"). */
function safeCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
