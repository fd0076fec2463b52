import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { lessonSource, writeLessonsDir } from '../tutor/lesson-fixtures';
import { startHarness } from './repl-harness';

describe('a lessons folder with a broken lesson', () => {
  it('reports the broken lesson with its path and reason, and teaches the others', async () => {
    const dir = writeLessonsDir(['01-fine', '02-broken', '03-fine-too'], {
      '01-fine': { readme: '# Fine\n\nA lesson that loads.\n', lesson: lessonSource('Fine') },
      '02-broken': { readme: '# Broken\n', lesson: lessonSource('Broken', 'goals: "not an array",').replace(/goals: \[.*\],\n/, '') },
      '03-fine-too': { readme: '# Fine too\n', lesson: lessonSource('Fine too') },
    });
    const h = await startHarness({ lessonsDir: dir });
    const welcome = await h.waitFor(/\n> $/);
    expect(welcome).toContain(`Lesson not loaded: ${path.join(dir, '02-broken', 'lesson.ts')}: goals must be an array`);
    expect(welcome).toContain('▶  1. Fine');
    expect(welcome).toContain('·  3. Fine too');
    expect(welcome).toContain('-- Lesson 1 of 3: Fine --');
    expect(await h.run('.next')).toContain('-- Lesson 3 of 3: Fine too --');
    await h.close();
  });
});
