import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedTarget } from '../../src/cli';
import type { EmbeddedTarget } from '../../src/cli';
import { isReadingOnly, solutionLines } from '../../src/tutor';
import type { Lesson, MistakeDefinition } from '../../src/tutor';
import { attemptLesson, COURSE_ORDER, lessonById, loadCourse, met, mistakeHintLine, unmet } from './lesson-attempt';
import type { AttemptResult } from './lesson-attempt';

// Every lesson, through the REPL in piped mode, each attempt in a fresh REPL: an empty attempt
// fails every goal, the official solution passes them all, and each common mistake's example
// earns its hint. Without the type checker (fast), unless a lesson needs it for a type error.
// The tests are listed from the lessons themselves (loaded while collecting), so a reading
// lesson has none to run rather than skipped ones.
describe('the curriculum, attempted through the REPL', async () => {
  const course = await loadCourse();

  for (const id of COURSE_ORDER) {
    const lesson = lessonById(course, id);
    describe(`lesson ${id}`, () => {
      if (isReadingOnly(lesson)) {
        it('is a reading lesson: no goals, solution or mistakes, done once shown', () => {
          expect(lesson.definition.goals ?? []).toEqual([]);
          expect(lesson.definition.solution ?? []).toEqual([]);
          expect(lesson.definition.mistakes ?? []).toEqual([]);
        });
        return;
      }

      let embedded: EmbeddedTarget;
      beforeAll(async () => {
        embedded = await startEmbeddedTarget();
      });
      afterAll(async () => {
        await embedded?.close();
      });
      const attempt = (lines: readonly string[], extra: { typeCheck?: boolean; until?: (out: string) => boolean } = {}): Promise<AttemptResult> =>
        attemptLesson(lesson, lines, { embedded, lessons: course.lessons, ...extra });

      it('an empty attempt fails every goal, and .check says why for each', async () => {
        const { results, output } = await attempt(['.check']);
        expect(results.length).toBeGreaterThan(0);
        expect(met(results), 'goals met by doing nothing').toEqual([]);
        expect(results.filter((r) => !r.why).map((r) => r.id), 'goals without a reason').toEqual([]);
        for (const r of results) expect(output).toContain(`${r.why!.charAt(0).toUpperCase()}${r.why!.slice(1)}.`);
      });

      it('the official solution passes every goal, marks the lesson done, and earns no mistake hint on any line', async () => {
        const solution = [...solutionLines(lesson.definition), '.check'];
        const hints = (lesson.definition.mistakes ?? []).map((m) => ({ id: m.id, line: mistakeHintLine(m.hint) }));
        // Checked after every line: a correct step must never be told it was a mistake.
        const fired = new Set<string>();
        const until = (out: string): boolean => {
          for (const hint of hints) if (out.includes(hint.line)) fired.add(hint.id);
          return false;
        };
        let result = await attempt(solution, { until });
        // A lesson about type errors needs the checker to see its goals met.
        if (unmet(result.results).length > 0) result = await attempt(solution, { typeCheck: true, until });
        expect(unmet(result.results), `goals the solution leaves unmet; the REPL printed:\n${result.output}`).toEqual([]);
        expect(result.done).toBe(true);
        expect([...fired], 'mistake hints the solution earned').toEqual([]);
      });

      // A mistake without an example has nothing to replay here; the format test asks for one.
      for (const mistake of withExamples(lesson)) {
        it(`the example of mistake "${mistake.id}" earns its hint`, async () => {
          const expected = mistakeHintLine(mistake.hint);
          // One more .check per other mistake: each shows its hint once, first come first served.
          const checks = Array.from({ length: (lesson.definition.mistakes ?? []).length }, () => '.check');
          const lines = [...mistake.example, ...checks];
          const until = (out: string): boolean => out.includes(expected);
          let result = await attempt(lines, { until });
          if (!result.output.includes(expected)) result = await attempt(lines, { until, typeCheck: true });
          expect(result.output, `"${mistake.id}" should print: ${expected}`).toContain(expected);
        }, 60_000);
      }
    });
  }
});

/** The lesson's mistakes that come with example lines. */
function withExamples(lesson: Lesson): (MistakeDefinition & { example: readonly string[] })[] {
  return (lesson.definition.mistakes ?? []).filter((m): m is MistakeDefinition & { example: readonly string[] } => (m.example?.length ?? 0) > 0);
}
