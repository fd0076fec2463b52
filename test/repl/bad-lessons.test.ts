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
    expect(welcome).toContain('-- Lesson 1 of 3: Fine --');
    const menu = await h.run('.lessons');
    expect(menu).toContain('▶  1. Fine');
    expect(menu).toContain('·  3. Fine too');
    expect(await h.run('.next')).toContain('-- Lesson 3 of 3: Fine too --');
    await h.close();
  });
});

describe('lesson features beyond goals', () => {
  it('puts a lesson’s scope names in the REPL, and treats a lesson without goals as reading only', async () => {
    const dir = writeLessonsDir(['01-scope', '02-reading'], {
      '01-scope': { readme: '# Scope\n', lesson: lessonSource('Scope', "scope: [{ name: 'motto', type: 'string', value: 'fetch, then delete' }],") },
      '02-reading': {
        readme: '# Just read\n\nPOP3 has no folders.\n',
        lesson: "import type { LessonDefinition } from '../../src/tutor';\nconst lesson: LessonDefinition = { formatVersion: 1, title: 'Just read' };\nexport default lesson;\n".replace(
          '../../src/tutor',
          `${process.cwd()}/src/tutor`,
        ),
      },
    });
    const h = await startHarness({ lessonsDir: dir });
    await h.waitFor(/\n> $/);
    expect(await h.run('motto.toUpperCase()')).toContain("'FETCH, THEN DELETE'");
    const reading = await h.run('.lesson just read');
    expect(reading).toContain('-- Lesson 2 of 2: Just read --');
    expect(reading).toContain('A reading lesson: nothing to check. .next when you are ready.');
    expect(await h.run('typeof motto')).toBe("'undefined'\n");
    expect(await h.run('.check')).toBe('A reading lesson: nothing to check.\n');
    expect(await h.run('.next')).toBe('That was the last lesson. .lessons shows them all.\n');
    await h.close();
  });
});
