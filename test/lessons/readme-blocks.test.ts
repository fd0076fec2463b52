import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedLessons } from '../../src/tutor';
import { blockOutcomeOk, describeBlock, runLessonBlocks } from './code-block-runner';
import { COURSE_ORDER, lessonById, loadCourse } from './lesson-attempt';

// Every lesson's README code blocks run in order in one fresh REPL with a fresh sandbox, and
// the outputs the prose shows are what they print (docs/lesson-format.md, "Code blocks").
const UPDATE = 'node -r ./src/register.js scripts/update-lesson-outputs.ts';
let course: LoadedLessons;
beforeAll(async () => {
  course = await loadCourse();
});

describe('lesson README code blocks', () => {
  for (const id of COURSE_ORDER) {
    it(`${id}: every block runs as marked and prints what its output block shows`, async () => {
      const lesson = lessonById(course, id);
      const result = await runLessonBlocks(lesson);
      expect(result.parsed.strayOutputs.map((o) => `README.md:${o.start + 1}`), 'output blocks that follow no code block').toEqual([]);
      for (const run of result.runs) {
        const where = describeBlock(lesson, run.block);
        const transcript = run.lines.map((l) => `> ${l.line}\n${l.printed}`).join('');
        expect(blockOutcomeOk(run), `${where} ${run.block.mode === 'fails' ? 'should fail but succeeded' : 'raised an error'}:\n${transcript}`).toBe(true);
      }
      for (const run of result.runs) {
        const where = describeBlock(lesson, run.block);
        expect(run.block.output?.text ?? '', `${where}: the output block is out of date; run \`${UPDATE} ${lesson.id}\``).toBe(run.output);
      }
    }, 120_000);
  }
});
