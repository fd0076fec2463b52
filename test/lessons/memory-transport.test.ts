import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedTarget } from '../../src/cli';
import type { EmbeddedTarget } from '../../src/cli';
import { isReadingOnly, solutionLines } from '../../src/tutor';
import { attemptLesson, COURSE_ORDER, lessonById, loadCourse, unmet } from './lesson-attempt';

/** Lessons whose goals need TLS (10) or a file the learner writes (13): TCP and the disk only. */
const NEEDS_TCP_OR_FILES = new Set(['10-tls', '13-capstone-fetcher']);

// POP3 over any byte stream (docs/architecture.md): the same lessons, solved the same way, reach
// the same goals when the REPL's connections reach the sandbox through an in-memory pair instead
// of loopback TCP. The sandbox's session log, which the checks read, must not tell the difference.
describe('the curriculum over an in-memory transport', async () => {
  const course = await loadCourse();
  const lessons = COURSE_ORDER.map((id) => lessonById(course, id)).filter((l) => !isReadingOnly(l) && !NEEDS_TCP_OR_FILES.has(l.id));

  let overTcp: EmbeddedTarget;
  let inMemory: EmbeddedTarget;
  beforeAll(async () => {
    [overTcp, inMemory] = await Promise.all([startEmbeddedTarget(), startEmbeddedTarget({ transport: 'memory' })]);
  });
  afterAll(async () => {
    await Promise.all([overTcp?.close(), inMemory?.close()]);
  });

  it('runs every lesson but 10 and 13', () => {
    expect(lessons.map((l) => l.id)).toHaveLength(COURSE_ORDER.length - 3); // and the reading lesson, 14
  });

  for (const lesson of lessons) {
    it(`${lesson.id}: the solution meets the same goals as over TCP`, async () => {
      const solution = [...solutionLines(lesson.definition), '.check'];
      const typeCheck = false;
      const before = inMemory.sandbox.log.entries.length;
      const memory = await attemptLesson(lesson, solution, { embedded: inMemory, lessons: course.lessons, typeCheck });
      const tcp = await attemptLesson(lesson, solution, { embedded: overTcp, lessons: course.lessons, typeCheck });
      expect(memory.results.map((r) => [r.id, r.met])).toEqual(tcp.results.map((r) => [r.id, r.met]));
      // Lessons about type errors need the checker for some goals; those are the same on both.
      if (unmet(tcp.results).length === 0) {
        expect(unmet(memory.results), `goals left unmet in memory; the REPL printed:\n${memory.output}`).toEqual([]);
        expect(memory.done).toBe(true);
      }
      const connects = inMemory.sandbox.log.entries.slice(before).filter((e) => e.keyword === 'CONNECT');
      expect(connects.length).toBeGreaterThan(0);
      for (const connect of connects) expect(connect.text).toContain('over memory');
    });
  }
});
