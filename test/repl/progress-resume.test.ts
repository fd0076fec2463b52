import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { startEmbeddedTarget } from '../../src/cli';
import type { EmbeddedTarget } from '../../src/cli';
import { solutionLines } from '../../src/tutor';
import { loadLessons } from '../../src/tutor/node';
import { firstTwoLessonsDir, makeStateDir, startHarness } from './repl-harness';

let embedded: EmbeddedTarget;
beforeAll(async () => {
  embedded = await startEmbeddedTarget();
});
afterAll(async () => {
  await embedded?.close();
});

describe('progress across runs', () => {
  it('saves progress, resumes at the current lesson, and each shipped solution passes its lesson', async () => {
    const stateDir = makeStateDir();
    const lessonsDir = firstTwoLessonsDir();
    const { lessons } = await loadLessons(lessonsDir);
    const [first, second] = lessons;

    const one = await startHarness({ embedded, stateDir, lessonsDir });
    await one.waitFor(/\n> $/);
    const since = one.output().length;
    for (const line of solutionLines(first!.definition)) one.send(line);
    await one.waitFor('Lesson 1 complete!', since);
    await one.close();

    const saved = JSON.parse(readFileSync(path.join(stateDir, 'progress.json'), 'utf8')) as { lessons: Record<string, { status: string }> };
    expect(saved.lessons['01-first-contact']?.status).toBe('done');

    // A new run in the same state dir resumes at the first lesson not done.
    const two = await startHarness({ embedded, stateDir, lessonsDir });
    const welcome = await two.waitFor(/\n> $/);
    expect(welcome).toContain('-- Lesson 2 of 2: USER and PASS --');
    // On resume, the whole list of goals.
    expect(welcome).toMatch(/Goals:\n(?: {2}✘ .*\n(?: {4}.*\n)*)+/);
    const menu = await two.run('.lessons');
    expect(menu).toContain('✔  1. First contact');
    expect(menu).toContain('▶  2. USER and PASS');
    const start = two.output().length;
    for (const line of solutionLines(second!.definition)) two.send(line);
    const out = await two.waitFor('Lesson 2 complete!', start);
    expect(out).toContain('That was the last lesson.');
    expect(await two.run('.progress')).toMatch(/^Progress: 2 of 2 lessons done\.\nSaved in .*progress\.json/);
    await two.close();

    // The third run resumes where the second left off: the last lesson, marked current.
    const three = await startHarness({ embedded, stateDir, lessonsDir });
    expect(await three.waitFor(/\n> $/)).toContain('-- Lesson 2 of 2: USER and PASS --');
    const prev = await three.run('.prev');
    expect(prev).toContain('-- Lesson 1 of 2: First contact --');
    expect(prev).toContain('Lesson 1 is finished.');
    await three.close();
    const after = JSON.parse(readFileSync(path.join(stateDir, 'progress.json'), 'utf8')) as { current: string };
    expect(after.current).toBe('01-first-contact');
  });

  it('shows on resume the goals met before, and counts them toward the lesson', async () => {
    const stateDir = makeStateDir();
    const lessonsDir = firstTwoLessonsDir();
    const one = await startHarness({ embedded, stateDir, lessonsDir });
    await one.waitFor(/\n> $/);
    await one.run('.raw');
    await one.run('QUIT');
    await one.close();
    // Back later: the raw goals were met, the others wait; the lesson ends with what is left.
    const two = await startHarness({ embedded, stateDir, lessonsDir });
    const welcome = await two.waitFor(/\n> $/);
    expect(welcome).toContain('✔ Type `.raw` to connect by hand and read the greeting (met earlier)');
    expect(welcome).toContain('✔ In raw mode, end the session by typing `QUIT` (met earlier)');
    expect(welcome).toContain('✘ At the TypeScript prompt, connect with the client');
    await two.run('const pop = await connect(sandbox)');
    await two.run('pop.greeting');
    expect(await two.run('await pop.quit()')).toContain('Lesson 1 complete!');
    await two.close();
  });

  it('keeps working with progress in memory when the file is corrupt, and never overwrites it', async () => {
    const stateDir = makeStateDir();
    const file = path.join(stateDir, 'progress.json');
    require('node:fs').writeFileSync(file, '{ not json');
    const h = await startHarness({ embedded, stateDir });
    expect(await h.waitFor(/\n> $/)).toMatch(/Progress not loaded \(kept in memory only\): .*progress\.json: not valid JSON/);
    await h.run('.next');
    await h.close();
    expect(readFileSync(file, 'utf8')).toBe('{ not json');
  });
});
