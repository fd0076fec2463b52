/** The lists of lessons the screen prints: `.lessons`' menu and `.progress`. */
import type { Lesson, LessonSession } from '../tutor';
import type { Painter } from './style';

/** The menu: each lesson with its status mark, number, title and summary. */
export function menuLines(session: LessonSession, p: Painter): string[] {
  const lines = [p.bold(`Lessons (${p.green('✔')} done, ${p.yellow('▶')} current, ${p.dim('·')} pending):`)];
  for (const lesson of session.lessons) {
    const summary = lesson.definition.summary ? p.dim(` - ${lesson.definition.summary}`) : '';
    const finished = lesson === session.current && session.isDone(lesson) ? p.green(' (finished)') : '';
    lines.push(`  ${lessonLine(session, lesson, p)}${finished}${summary}`);
  }
  lines.push(p.dim('  .lesson <number or name> to go to one'));
  return lines;
}

/** `.progress`: lessons done, where progress is kept, and per lesson the hints taken and when it was done. */
export function progressLines(session: LessonSession, p: Painter): string[] {
  const done = session.lessons.filter((l) => session.isDone(l)).length;
  const lines = [
    `Progress: ${done} of ${session.lessons.length} lessons done.`,
    `Saved in ${session.progressLocation}${session.progressProblem ? ` (not writable this time: ${session.progressProblem})` : ''}`,
  ];
  for (const lesson of session.lessons) {
    const entry = session.progress.lessons[lesson.id];
    const hints = entry ? Object.values(entry.hints).reduce((a, b) => a + b, 0) : 0;
    const extra = entry ? p.dim(` (${hints} hint${hints === 1 ? '' : 's'}${entry.completedAt ? `, done ${entry.completedAt.slice(0, 10)}` : ''})`) : '';
    lines.push(`  ${lessonLine(session, lesson, p)}${extra}`);
  }
  return lines;
}

/** A lesson's status mark, number and title. */
function lessonLine(session: LessonSession, lesson: Lesson, p: Painter): string {
  const status = session.status(lesson);
  const mark = status === 'done' ? p.green('✔') : status === 'current' ? p.yellow('▶') : p.dim('·');
  return `${mark} ${String(lesson.number).padStart(2)}. ${lesson.definition.title}`;
}
