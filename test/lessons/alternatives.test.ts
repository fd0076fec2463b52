import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedTarget } from '../../src/cli';
import type { EmbeddedTarget } from '../../src/cli';
import { ALTERNATIVES } from './alternatives';
import { lessonById, loadCourse, mistakeHintLine } from './lesson-attempt';
import { startReplDriver } from './repl-driver';
import type { ReplDriver } from './repl-driver';

// Checks judge outcomes: every way a learner plausibly reaches a goal is accepted, and every
// way rightly refused for a strict goal is refused with its reason shown by `.check`. One
// REPL per lesson; each way starts from forgotten progress and the lesson's start state.
describe('other ways to the goals', async () => {
  const course = await loadCourse();

  for (const [id, alternatives] of Object.entries(ALTERNATIVES)) {
    describe(`lesson ${id}`, () => {
      const lesson = lessonById(course, id);
      let embedded: EmbeddedTarget;
      let driver: ReplDriver;
      beforeAll(async () => {
        embedded = await startEmbeddedTarget();
        driver = await startReplDriver({ embedded, lessons: course.lessons, startAt: lesson });
      }, 60_000);
      afterAll(async () => {
        await driver?.close();
        await embedded?.close();
      });

      for (const alternative of alternatives) {
        const verdict = alternative.rejected === undefined ? 'meets' : 'rightly does not meet';
        it(`${verdict} "${alternative.goal}": ${alternative.name}`, async () => {
          await driver.run('.trace off');
          await driver.run('.reset all confirm');
          await driver.run(`.lesson ${id}`);
          const since = driver.output().length;
          for (const line of alternative.lines) await driver.run(line, 30_000);
          const result = driver.repl.runner.results.find((r) => r.id === alternative.goal);
          expect(result, `no goal ${alternative.goal}`).toBeDefined();
          const printed = driver.output().slice(since);
          if (alternative.rejected === undefined) {
            expect(result?.met, `the REPL printed:\n${printed}`).toBe(true);
            // Correct work earns no mistake hint either.
            const hints = (lesson.definition.mistakes ?? []).map((m) => mistakeHintLine(m.hint)).filter((hint) => printed.includes(hint));
            expect(hints).toEqual([]);
          } else {
            expect(result?.met, `the REPL printed:\n${printed}`).toBe(false);
            const check = await driver.run('.check');
            expect(check).toContain(alternative.rejected);
          }
        }, 60_000);
      }
    });
  }
});
