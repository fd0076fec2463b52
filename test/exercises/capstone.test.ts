import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedTarget } from '../../src/cli';
import type { EmbeddedTarget } from '../../src/cli';
import type { ExerciseUnit, Lesson } from '../../src/tutor';
import { exercisePaths } from '../../src/tutor/node';
import { lessonById, loadCourse } from '../lessons/lesson-attempt';
import { makeStateDir, startReplDriver } from '../lessons/repl-driver';
import type { ReplDriver } from '../lessons/repl-driver';
import { loadShippedExercises } from './exercise-fixture';

// The capstone, a file exercise verified from the REPL (`.exercise verify fetcher`), cannot lock
// anyone out: each run goes in a worker thread of its own, which is ended at the time limit or
// on Ctrl-C, and every session a run leaves open is closed. Each broken file is followed by the
// fixed one, which passes in the same REPL, without a restart. Its mistakes' hints are earned
// by the solution changed as each mistake would change it.
const LIMIT_MS = 12_000;

describe('the capstone, verified from the REPL, isolated', () => {
  let embedded: EmbeddedTarget;
  let driver: ReplDriver;
  let lesson: Lesson;
  let unit: ExerciseUnit;
  let file: string;
  let solution: string;
  // An "editor" that appends a line, as the learner's editor would save a change (for .edit).
  const editor = path.join(makeStateDir(), 'fake-editor.sh');
  beforeAll(async () => {
    writeFileSync(editor, '#!/bin/sh\necho "// edited" >> "$1"\n', { mode: 0o755 });
    process.env.EDITOR = editor;
    const course = await loadCourse();
    lesson = lessonById(course, '13-capstone-fetcher');
    embedded = await startEmbeddedTarget();
    unit = (await loadShippedExercises()).find((e) => e.id === 'fetcher')!;
    driver = await startReplDriver({ embedded, lessons: course.lessons, startAt: lesson, exerciseTimeoutMs: LIMIT_MS });
    await driver.run('.exercise list');
    const paths = exercisePaths(unit, driver.stateDir);
    file = paths.file;
    solution = paths.solution;
  }, 60_000);
  afterAll(async () => {
    delete process.env.EDITOR;
    await driver?.close();
    await embedded?.close();
  });

  /** Writes the learner's file: the official solution changed by `edit`. */
  const write = (edit: (text: string) => string = (t) => t): void => writeFileSync(file, edit(readFileSync(solution, 'utf8')));
  const verify = (): Promise<string> => driver.run('.exercise verify fetcher', 90_000);
  const PASSED = 'fetcher.ts passes every goal of "fetcher"';
  /** The fixed file passes now, in the same REPL. */
  async function passesOnceFixed(): Promise<void> {
    copyFileSync(solution, file);
    const out = await verify();
    expect(out).not.toContain('✘ the check');
    expect(out).toContain(PASSED);
  }

  // First, before any pass: once a goal is met, its mistakes' hints are never shown again.
  it('gives the message-number hint only when numbers were the cause, not for any short Maildir', async () => {
    const numbersHint = unit.definition.mistakes!.find((m) => m.id === 'message-numbers')!.hint;
    // Never delivering the newest message leaves the Maildir short, with numbers not to blame.
    write((t) => t.replace('for (const entry of wanted) {', 'for (const entry of wanted.slice(0, -1)) {'));
    const short = await verify();
    expect(short).toMatch(/✘ Cut off by the server/);
    expect(short).not.toContain(numbersHint);
    // Remembering message-numbers instead of unique-ids: numbers are the cause.
    write((t) => t.replace(/entry\.uid/g, 'String(entry.n)'));
    expect(await verify()).toContain(`Hint: ${numbersHint}`);
  }, 240_000);

  // Each mistake as the solution changed to make it (the capstone's mistaken files).
  it.each([
    ['refetches', (t: string) => t.replace('const seen = readSeen(options.maildir);', 'const seen = new Set<string>();')],
    ['no-quit', (t: string) => t.replace('await pop.quit();', 'pop.close();')],
    ['deletes-new-mail', (t: string) => t.replace('date < cutoff', 'date > cutoff')],
    ['left-in-tmp', (t: string) => t.replace('import { appendFileSync,', 'import { copyFileSync, appendFileSync,').replace('renameSync(temporary,', 'copyFileSync(temporary,')],
  ])('earns the hint of the mistake %s', async (id, edit) => {
    const progress = path.join(driver.stateDir, 'progress.json');
    writeFileSync(progress, JSON.stringify({ formatVersion: 2, current: lesson.id, lessons: {} }));
    write(edit);
    expect(await verify()).toContain(`Hint: ${unit.definition.mistakes!.find((m) => m.id === id)!.hint}`);
  }, 120_000);

  it('closes the sessions a file leaves open (no QUIT, no close), says so, and no later run meets a lock', async () => {
    write((t) => t.replace('await pop.quit();', '').replace('pop.close();', ''));
    const out = await verify();
    expect(out).toMatch(/run 1 left a session open: no QUIT\?/);
    expect(out).toMatch(/run 2, again: finished/);
    expect(out).not.toContain('IN-USE');
    expect(out).not.toContain(PASSED);
    await passesOnceFixed();
  }, 180_000);

  it('stops a file that waits forever at the time limit', async () => {
    write(() => "export function fetchMail(): Promise<never> {\n  console.log('waiting for nothing');\n  return new Promise(() => {});\n}\n");
    const out = await verify();
    expect(out).toContain('waiting for nothing');
    expect(out).toContain(`✘ the check was stopped after ${LIMIT_MS / 1000} s`);
    await passesOnceFixed();
  }, 180_000);

  it('stops a synchronous endless loop, which no timer in the same thread could', async () => {
    write(() => "export function fetchMail(): never {\n  console.log('looping');\n  for (;;) {}\n}\n");
    const out = await verify();
    expect(out).toContain('looping');
    expect(out).toContain(`✘ the check was stopped after ${LIMIT_MS / 1000} s`);
    await passesOnceFixed();
  }, 180_000);

  it('lists type errors first, with file, line, column and code, and runs the file all the same', async () => {
    write((t) => `${t}\nexport const wrong: number = 'not a number';\n`);
    const out = await verify();
    const lines = out.split('\n').filter((l) => l.startsWith('  '));
    expect(lines[0]).toMatch(/^ {2}type error: fetcher\.ts:\d+:\d+ TS2322 Type 'string' is not assignable to type 'number'\.$/);
    expect(lines[1]).toMatch(/^ {2}run 1, sync: finished/);
    expect(out).toContain(PASSED);
    await passesOnceFixed();
    expect(out).not.toMatch(/type error:[^\n]*\n[^\n]*\n*$/);
  }, 180_000);

  it('stops at Ctrl-C within a second; input typed meanwhile waits for the end', async () => {
    write(() => "export function fetchMail(): never {\n  console.log('looping');\n  for (;;) {}\n}\n");
    const since = driver.output().length;
    driver.send('.exercise verify fetcher');
    driver.send('6 * 7');
    await driver.waitFor('looping', since, 60_000);
    const pressed = Date.now();
    expect(driver.repl.interrupt()).toBe(true);
    const out = await driver.waitFor(/✘ the check was stopped \(Ctrl-C\)[^\n]*\n/, since, 10_000);
    expect(Date.now() - pressed).toBeLessThan(1_000);
    expect(out).not.toContain('42');
    await driver.waitFor(/6 \* 7\n42\n/, since, 10_000);
    await passesOnceFixed();
  }, 180_000);

  it('writes the solution beside the file after a pass, never over it; resets to the template on confirmation, keeping a .bak; opens the file in $EDITOR on .edit', async () => {
    copyFileSync(solution, file);
    writeFileSync(file, `${readFileSync(file, 'utf8')}// my own work\n`);
    const out = await verify();
    const written = file.replace(/\.ts$/, '.solution.ts');
    expect(out).toContain(`The solution, to compare notes: ${written}`);
    expect(readFileSync(written, 'utf8')).toBe(readFileSync(solution, 'utf8'));
    expect(readFileSync(file, 'utf8')).toMatch(/\/\/ my own work\n$/);
    const mine = readFileSync(file, 'utf8');
    expect(await driver.run('.exercise reset fetcher')).toContain(`Type .exercise reset ${unit.number} confirm to go ahead.`);
    expect(readFileSync(file, 'utf8')).toBe(mine);
    expect(await driver.run('.exercise reset fetcher confirm')).toContain(`Yours is in ${file}.bak.`);
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe(mine);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(path.join(unit.dir, 'template.ts'), 'utf8'));
    writeFileSync(file, '// my own work\n');
    const edit = await driver.run('.edit');
    expect(edit).toContain(`Opening ${file} in ${editor}`);
    expect(edit).toContain('Type .check to run it.');
    expect(readFileSync(file, 'utf8')).toBe('// my own work\n// edited\n');
    expect(existsSync(written)).toBe(true);
  });
});
