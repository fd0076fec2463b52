/**
 * A writer of one progress file, for the concurrency test: says `ready`, waits for a line on
 * stdin (so two writers start together), then makes `count` saves, each of a fresh progress
 * value holding one goal of its own, so an update lost to a race stays lost.
 *
 *   node -r ./src/register.js test/tutor/progress-writer.ts <file> <name> <count>
 */
import { emptyProgress, goalProgress, lessonProgress } from '../../src/tutor';
import { FileProgressStore } from '../../src/tutor/node';

const [file, name, count] = process.argv.slice(2);
if (file === undefined || name === undefined || count === undefined) throw new Error('usage: progress-writer.ts <file> <name> <count>');
const store = new FileProgressStore(file);
process.stdin.once('data', () => {
  for (let i = 0; i < Number(count); i++) {
    const progress = emptyProgress();
    const lesson = lessonProgress(progress, 'shared-lesson');
    goalProgress(lesson, `${name}-${i}`).checks = i + 1;
    lesson.failedChecks = i;
    store.save(progress);
  }
  process.exit(0);
});
process.stdout.write('ready\n');
