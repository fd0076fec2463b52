import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedTarget } from '../../src/cli';
import type { EmbeddedTarget } from '../../src/cli';
import { isReadingOnly } from '../../src/tutor';
import type { Lesson, LoadedLessons } from '../../src/tutor';
import { attemptLesson, COURSE_ORDER, lessonById, loadCourse, met, mistakeHintLine, unmet } from './lesson-attempt';
import type { AttemptResult } from './lesson-attempt';

// Every lesson, through the REPL in piped mode, each attempt in a fresh REPL: an empty attempt
// fails every goal, the official solution passes them all, and each common mistake's example
// earns its hint. Without the type checker (fast), unless a lesson needs it for a type error.
let course: LoadedLessons;
beforeAll(async () => {
  course = await loadCourse();
});

for (const id of COURSE_ORDER) {
  describe(`lesson ${id}`, () => {
    let embedded: EmbeddedTarget;
    let lesson: Lesson;
    beforeAll(async () => {
      lesson = lessonById(course, id);
      embedded = await startEmbeddedTarget();
    });
    afterAll(async () => {
      await embedded?.close();
    });
    const attempt = (lines: readonly string[], extra: { typeCheck?: boolean; until?: (out: string) => boolean } = {}): Promise<AttemptResult> =>
      attemptLesson(lesson, lines, { embedded, lessons: course.lessons, ...extra });

    it('an empty attempt fails every goal', async (ctx) => {
      if (isReadingOnly(lesson)) ctx.skip('a reading lesson: nothing to check');
      const { results } = await attempt(['.check']);
      expect(results.length).toBeGreaterThan(0);
      expect(met(results), 'goals met by doing nothing').toEqual([]);
    });

    it('the official solution passes every goal and marks the lesson done', async (ctx) => {
      if (isReadingOnly(lesson)) ctx.skip('a reading lesson: nothing to check');
      const solution = [...(lesson.definition.solution ?? []), '.check'];
      let result = await attempt(solution);
      // A lesson about type errors needs the checker to see its goals met.
      if (unmet(result.results).length > 0) result = await attempt(solution, { typeCheck: true });
      expect(unmet(result.results), `goals the solution leaves unmet; the REPL printed:\n${result.output}`).toEqual([]);
      expect(result.done).toBe(true);
    });

    it('each common mistake’s example earns its hint', async (ctx) => {
      const mistakes = (lesson.definition.mistakes ?? []).filter((m) => m.example && m.example.length > 0);
      if (mistakes.length === 0) ctx.skip('no mistakes with examples');
      const missed: string[] = [];
      for (const mistake of mistakes) {
        const expected = mistakeHintLine(mistake.hint);
        // One more .check per other mistake: each shows its hint once, first come first served.
        const checks = Array.from({ length: (lesson.definition.mistakes ?? []).length }, () => '.check');
        const lines = [...(mistake.example ?? []), ...checks];
        const until = (out: string): boolean => out.includes(expected);
        let result = await attempt(lines, { until });
        if (!result.output.includes(expected)) result = await attempt(lines, { until, typeCheck: true });
        if (!result.output.includes(expected)) missed.push(`"${mistake.id}" should print: ${expected}\nit printed:\n${result.output}`);
      }
      expect(missed, 'mistakes whose example did not earn their hint').toEqual([]);
    }, 120_000);
  });
}
