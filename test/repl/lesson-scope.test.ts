import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { lessonSource, writeLessonsDir } from '../tutor/lesson-fixtures';
import { startHarness } from './repl-harness';

describe('a lesson scope entry naming a client export', () => {
  it('puts the client’s own export in scope, typed as the client declares it', async () => {
    const dir = writeLessonsDir(['01-client', '02-unknown'], {
      '01-client': { readme: '# Client\n', lesson: lessonSource('Client', "scope: [{ name: 'sync', clientExport: 'fetchNew' }],") },
      '02-unknown': { readme: '# Unknown\n', lesson: lessonSource('Unknown', "scope: [{ name: 'everything', clientExport: 'fetchEverything' }],") },
    });
    const h = await startHarness({ lessonsDir: dir, fast: false });
    try {
      const welcome = await h.waitFor(/\n> $/);
      expect(welcome).toContain(`Lesson not loaded: ${path.join(dir, '02-unknown', 'lesson.ts')}: scope[0].clientExport: the client has no export named "fetchEverything"`);
      await h.repl.warmed;
      expect(await h.run('sync.name')).toBe("'fetchNew'\n");
      expect(await h.run('.type sync')).toMatch(/^const sync: \(client: Pop3Client, [^\n]*\) => Promise<FetchNewResult>\n$/);
      expect(await h.run('await sync(1, { seen: [] })')).toMatch(/^✘ Type error: Argument of type 'number' is not assignable to parameter of type 'Pop3Client'\. \(TS2345\)/);
      // Still there after .clear, which rebuilds the scope.
      expect(await h.run('.clear')).toMatch(/^Variables forgotten/);
      expect(await h.run('typeof sync')).toBe("'function'\n");
    } finally {
      await h.close();
    }
  }, 60_000);
});
