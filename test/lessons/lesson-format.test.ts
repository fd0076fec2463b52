import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSeed } from '../../sandbox-server';
import { createFacts, isReadingOnly, SHARED_LESSON_FOLDER, solutionLines } from '../../src/tutor';
import { loadLessons, readManifest } from '../../src/tutor/node';
import type { LoadedLessons } from '../../src/tutor';
import { parseCodeBlocks } from '../../src/tutor/code-blocks';
import { COURSE_ORDER, LESSONS_DIR, lessonById } from './lesson-attempt';

// The rustlings-style checks of the shipped curriculum: what the loader and the authoring
// rules require, before anything runs. The course is loaded while collecting, so each lesson
// gets the tests that apply to it (a reading lesson has no goals to give hints for).
describe('the curriculum', async () => {
  const seed = await loadSeed();
  const course: LoadedLessons = await loadLessons(LESSONS_DIR, { isSeedMessage: (name) => seed.messages.has(name) });

  it('loads every lesson without a problem: manifest and folders match (lessons/common holds shared helpers)', () => {
    expect(course.problems).toEqual([]);
    const manifest = readManifest(path.join(LESSONS_DIR, 'manifest.json'));
    const folders = readdirSync(LESSONS_DIR).filter((f) => f !== SHARED_LESSON_FOLDER && statSync(path.join(LESSONS_DIR, f)).isDirectory());
    expect([...folders].sort()).toEqual([...manifest.order].sort());
    expect(course.lessons.map((l) => l.id)).toEqual(manifest.order);
  });

  it('numbers lessons after their folder names, in order, each id once', () => {
    const ids = course.lessons.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const lesson of course.lessons) expect(lesson.id, 'NN-name, NN its place in the order').toMatch(new RegExp(`^${String(lesson.number).padStart(2, '0')}-[a-z0-9-]+$`));
    const titles = course.lessons.map((l) => l.definition.title);
    expect(new Set(titles).size, 'titles are unique').toBe(titles.length);
  });

  it('never reads a variable by name: checks judge what the server and the learner saw', () => {
    const sources = [...readdirSync(LESSONS_DIR, { recursive: true, encoding: 'utf8' })].filter((f) => f.endsWith('.ts') && !f.includes('template') && !f.includes('solution'));
    const readers = sources.filter((f) => /\.variable\(|\blookup\(|evaluator\b/.test(readFileSync(path.join(LESSONS_DIR, f), 'utf8')));
    expect(readers, 'lesson files that read a name from the REPL').toEqual([]);
    expect('variable' in createFacts({ transcript: [], values: [] }), 'facts offer no way to read a variable').toBe(false);
  });

  for (const id of COURSE_ORDER) {
    const lesson = lessonById(course, id);
    describe(id, () => {
      it('has prose that starts with a title and cites the RFCs it teaches', () => {
        expect(lesson.markdown).toMatch(/^# \S/);
        expect(() => parseCodeBlocks(lesson.markdown)).not.toThrow();
        for (const rfc of lesson.definition.rfc ?? []) expect(rfc).toMatch(/^RFC \d+/);
      });

      if (isReadingOnly(lesson)) {
        it('is a reading lesson: no solution and no mistakes without goals to go with them', () => {
          expect(lesson.definition.solution ?? []).toEqual([]);
          expect(lesson.definition.mistakes ?? []).toEqual([]);
        });
        return;
      }

      it('has hints for every goal, a solution, and unique goal and mistake ids', () => {
        const goals = lesson.definition.goals ?? [];
        for (const goal of goals) expect(goal.hints?.length ?? 0, `hints of goal "${goal.id}"`).toBeGreaterThan(0);
        expect(solutionLines(lesson.definition).length, 'solution lines').toBeGreaterThan(0);
        const goalIds = goals.map((g) => g.id);
        expect(new Set(goalIds).size).toBe(goalIds.length);
        const mistakeIds = (lesson.definition.mistakes ?? []).map((m) => m.id);
        expect(new Set(mistakeIds).size).toBe(mistakeIds.length);
        expect(mistakeIds.filter((id) => goalIds.includes(id)), 'a mistake id that is also a goal id').toEqual([]);
      });

      it('gives every common mistake an example that commits it', () => {
        const missing = (lesson.definition.mistakes ?? []).filter((m) => !m.example || m.example.length === 0).map((m) => m.id);
        expect(missing, 'mistakes without an example (REPL lines that commit them)').toEqual([]);
      });
    });
  }
});
