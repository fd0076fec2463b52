import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedTarget } from '../../src/cli';
import type { EmbeddedTarget } from '../../src/cli';
import * as playground from '../../src/index';
import { ExerciseLoadError, loadExerciseModule } from '../../src/repl/exercise-module';
import { LessonFormatError, validateExerciseDefinition } from '../../src/tutor';
import { ExerciseCheckError, exercisePaths, loadExerciseCheck, prepareExerciseFile } from '../../src/tutor/node';
import type { ExerciseUnit, Lesson, LoadedLessons } from '../../src/tutor';
import { lessonById, loadCourse } from '../lessons/lesson-attempt';
import { makeStateDir, ROOT, startReplDriver } from '../lessons/repl-driver';
import { loadShippedExercises } from './exercise-fixture';

// The engine's support for file exercises (docs/lesson-format.md, "File exercises"), and every
// exercise's files: the templates and the solutions type-check in the learner's workspace.
const CAPSTONE = '13-capstone-fetcher';
let course: LoadedLessons;
let exercises: ExerciseUnit[];
beforeAll(async () => {
  course = await loadCourse();
  exercises = await loadShippedExercises();
});

describe('loading an exercise file', () => {
  it('compiles TypeScript afresh on every load, with the client as pop3-playground and relative imports', () => {
    const dir = makeStateDir();
    const file = path.join(dir, 'main.ts');
    writeFileSync(path.join(dir, 'helper.ts'), 'export const twice = (n: number): number => n * 2;\n');
    writeFileSync(file, "import { connect } from 'pop3-playground';\nimport { twice } from './helper';\nexport const same = connect;\nexport const answer: number = twice(21);\n");
    const modules = { 'pop3-playground': playground };
    const first = loadExerciseModule(file, { modules });
    expect(first.same).toBe(playground.connect);
    expect(first.answer).toBe(42);
    writeFileSync(file, 'export const answer = 7;\n');
    expect(loadExerciseModule(file, { modules }).answer).toBe(7);
  });

  it('names the file, line and column of a syntax error, and reports what the file threw', () => {
    const dir = makeStateDir();
    const file = path.join(dir, 'broken.ts');
    writeFileSync(file, 'export const a = 1;\nexport function f( {\n');
    expect(() => loadExerciseModule(file)).toThrow(ExerciseLoadError);
    expect(() => loadExerciseModule(file)).toThrow(/^broken\.ts:\d+:\d+: /);
    writeFileSync(file, "throw new Error('not yet');\n");
    expect(() => loadExerciseModule(file)).toThrow(/broken\.ts threw while loading: not yet/);
    expect(() => loadExerciseModule(path.join(dir, 'missing.ts'))).toThrow(/does not exist/);
  });
});

describe('the exercise format', () => {
  const base = { formatVersion: 1, title: 'T', file: 'main.ts', goals: [{ id: 'g', text: 'x', check: () => false, hints: ['h'] }], run: async () => undefined };

  it('accepts an exercise and refuses a malformed one, naming the field', () => {
    expect(() => validateExerciseDefinition(base)).not.toThrow();
    expect(() => validateExerciseDefinition({ ...base, file: '../escape.ts' })).toThrow(/^file must be a file name/);
    expect(() => validateExerciseDefinition({ ...base, file: 'main.solution.ts' })).toThrow(LessonFormatError);
    expect(() => validateExerciseDefinition({ ...base, run: undefined })).toThrow(/run must be a function/);
    expect(() => validateExerciseDefinition({ ...base, goals: [] })).toThrow(/at least one goal/);
    expect(() => validateExerciseDefinition({ ...base, goals: [{ id: 'g', text: 'x', check: () => false }] })).toThrow(/goal "g" needs at least one hint/);
    expect(() => validateExerciseDefinition({ ...base, mistakes: [{ id: 'm', goal: 'nope', when: () => false, hint: 'h' }] })).toThrow(/mistakes\[0\]\.goal must name a goal/);
    expect(() => validateExerciseDefinition({ ...base, extra: 1 })).toThrow(/unknown field "extra"/);
    expect(() => validateExerciseDefinition({ ...base, timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});

describe('the capstone exercise', () => {
  let lesson: Lesson;
  let unit: ExerciseUnit;
  beforeAll(() => {
    lesson = lessonById(course, CAPSTONE);
    unit = exercises.find((e) => e.id === 'fetcher')!;
  });
  const paths = (stateDir: string) => exercisePaths(unit, stateDir);

  it('copies the template into the workspace once, never over the learner’s file', () => {
    const stateDir = makeStateDir();
    const p = paths(stateDir);
    expect(prepareExerciseFile(p, ROOT)).toBe(true);
    expect(readFileSync(p.file, 'utf8')).toBe(readFileSync(p.template, 'utf8'));
    writeFileSync(p.file, '// my work\n');
    expect(prepareExerciseFile(p, ROOT)).toBe(false);
    expect(readFileSync(p.file, 'utf8')).toBe('// my work\n');
    expect(existsSync(path.join(p.workspace, 'tsconfig.json'))).toBe(true);
  });

  it('type-checks every exercise’s template and solution as the learner’s editor would, in the workspace', async () => {
    const stateDir = makeStateDir();
    const files: Record<string, string> = {};
    let p = paths(stateDir);
    for (const e of exercises) {
      p = exercisePaths(e, stateDir);
      prepareExerciseFile(p, ROOT);
      files[`${e.id} template`] = p.file;
      files[`${e.id} solution`] = p.file.replace(/\.ts$/, '.solution.ts');
      copyFileSync(p.solution, files[`${e.id} solution`]!);
    }
    expect(Object.keys(files).length).toBeGreaterThanOrEqual(12);
    const configFile = ts.readConfigFile(path.join(p.workspace, 'tsconfig.json'), (f) => ts.sys.readFile(f));
    const config = ts.parseJsonConfigFileContent(configFile.config, ts.sys, p.workspace);
    const program = ts.createProgram({ rootNames: Object.values(files), options: config.options });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.formatDiagnostic(d, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => p.workspace, getNewLine: () => '\n' }));
    expect(diagnostics).toEqual([]);
  }, 60_000);

  it('has a run in its exercise.ts, which verify loads on Node, and the lesson never imports', async () => {
    expect(readFileSync(path.join(lesson.dir, 'lesson.ts'), 'utf8')).not.toMatch(/from '\.\/exercises/);
    expect(typeof (await loadExerciseCheck(paths(makeStateDir()).definition))).toBe('function');
    const dir = makeStateDir();
    writeFileSync(path.join(dir, 'no-run.ts'), 'export default { title: 1 };\n');
    await expect(loadExerciseCheck(path.join(dir, 'no-run.ts'))).rejects.toThrow(ExerciseCheckError);
    await expect(loadExerciseCheck(path.join(dir, 'no-run.ts'))).rejects.toThrow(/no-run\.ts has no function run\(context\) in its default export/);
    await expect(loadExerciseCheck(path.join(dir, 'missing.ts'))).rejects.toThrow(/missing\.ts did not load/);
  });

  it('declares, for the repository’s own type check, only names the client exports', () => {
    const shim = readFileSync(path.join(ROOT, 'lessons', 'pop3-playground.d.ts'), 'utf8');
    const values = [...shim.matchAll(/export const (\w+)/g)].map((m) => m[1]!);
    expect(values.length).toBeGreaterThan(0);
    expect(values.filter((name) => !(name in playground))).toEqual([]);
  });

  describe('in the REPL', () => {
    let embedded: EmbeddedTarget;
    beforeAll(async () => {
      embedded = await startEmbeddedTarget();
    });
    afterAll(async () => {
      await embedded?.close();
    });

    it('lists every exercise with its status and the absolute path of the learner’s file, which it creates', async () => {
      const driver = await startReplDriver({ embedded, lessons: course.lessons, startAt: lesson });
      try {
        const p = paths(driver.stateDir);
        const out = await driver.run('.exercise list');
        for (const e of exercises) expect(out).toContain(`. ${e.id}`);
        expect(out).toContain(`\n       ${p.file}\n`);
        expect(existsSync(p.file)).toBe(true);
      } finally {
        await driver.close();
      }
    });

    it('reports a file that does not compile, and every goal stays unmet', async () => {
      const driver = await startReplDriver({ embedded, lessons: course.lessons, startAt: lesson });
      try {
        await driver.run('.exercise list');
        writeFileSync(paths(driver.stateDir).file, 'export async function fetchMail( {\n');
        const out = await driver.run('.exercise verify fetcher', 60_000);
        expect(out).toMatch(/fetcher\.ts:\d+:\d+: /);
        expect(out).toContain('0 of 5 goals met');
      } finally {
        await driver.close();
      }
    });

    it('stops a program that never finishes, says why, and the REPL goes on', async () => {
      const driver = await startReplDriver({ embedded, lessons: course.lessons, startAt: lesson, exerciseTimeoutMs: 1_000 });
      try {
        const p = paths(driver.stateDir);
        mkdirSync(path.dirname(p.file), { recursive: true });
        writeFileSync(p.file, 'export function fetchMail(): Promise<never> {\n  return new Promise(() => {});\n}\n');
        const out = await driver.run('.exercise verify fetcher', 60_000);
        expect(out).toMatch(/✘ the check was stopped after 1 s/);
        expect(await driver.run('1 + 1')).toBe('2\n');
      } finally {
        await driver.close();
      }
    });
  });
});
