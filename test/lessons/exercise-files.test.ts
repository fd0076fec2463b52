import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedTarget } from '../../src/cli';
import type { EmbeddedTarget } from '../../src/cli';
import * as playground from '../../src/index';
import { ExerciseLoadError, loadExerciseModule } from '../../src/repl/exercise-module';
import { LessonFormatError, validateLessonDefinition } from '../../src/tutor';
import { ExerciseCheckError, exercisePaths, loadExerciseCheck, prepareExerciseFile } from '../../src/tutor/node';
import type { Lesson, LoadedLessons } from '../../src/tutor';
import { lessonById, loadCourse } from './lesson-attempt';
import { makeStateDir, ROOT, startReplDriver } from './repl-driver';

// The engine's support for file exercises (docs/lesson-format.md, "File exercises"), and the
// capstone's files: the template and the solution type-check in the learner's workspace.
const CAPSTONE = '13-capstone-fetcher';
let course: LoadedLessons;
beforeAll(async () => {
  course = await loadCourse();
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

describe('the lesson format for file exercises', () => {
  const base = { formatVersion: 1, title: 'T', goals: [{ id: 'g', text: 'x', check: () => false }] };
  const exercise = { file: 'fetcher.ts', template: 'template/fetcher.ts', solution: 'solution/fetcher.ts', check: 'check.ts' };

  it('accepts an exercise and refuses a malformed one, naming the field', () => {
    expect(() => validateLessonDefinition({ ...base, exercise })).not.toThrow();
    expect(() => validateLessonDefinition({ ...base, exercise: { ...exercise, file: '../escape.ts' } })).toThrow(/exercise\.file/);
    expect(() => validateLessonDefinition({ ...base, exercise: { ...exercise, template: '/abs/t.ts' } })).toThrow(/exercise\.template/);
    expect(() => validateLessonDefinition({ ...base, exercise: { ...exercise, check: 'check.js' } })).toThrow(LessonFormatError);
    expect(() => validateLessonDefinition({ ...base, exercise: { ...exercise, check: '/abs/check.ts' } })).toThrow(/exercise\.check must be the path of the check module/);
    expect(() => validateLessonDefinition({ ...base, exercise: { ...exercise, check: undefined, run: async () => undefined } })).toThrow(/unknown field "run"/);
    expect(() => validateLessonDefinition({ ...base, exercise: { ...exercise, extra: 1 } })).toThrow(/unknown field "extra"/);
  });
});

describe('the capstone exercise', () => {
  let lesson: Lesson;
  beforeAll(() => {
    lesson = lessonById(course, CAPSTONE);
  });
  const paths = (stateDir: string) => exercisePaths(lesson.dir, lesson.definition.exercise!, stateDir);

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

  it('type-checks the template and the solution as the learner’s editor would, in the workspace', () => {
    const stateDir = makeStateDir();
    const p = paths(stateDir);
    prepareExerciseFile(p, ROOT);
    const files = { template: p.file, solution: path.join(p.workspace, 'solution.ts') };
    copyFileSync(p.solution, files.solution);
    const configFile = ts.readConfigFile(path.join(p.workspace, 'tsconfig.json'), (f) => ts.sys.readFile(f));
    const config = ts.parseJsonConfigFileContent(configFile.config, ts.sys, p.workspace);
    const program = ts.createProgram({ rootNames: Object.values(files), options: config.options });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.formatDiagnostic(d, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => p.workspace, getNewLine: () => '\n' }));
    expect(diagnostics).toEqual([]);
  }, 60_000);

  it('names its check module, which the Node front end loads when .check runs, and lesson.ts never imports', async () => {
    expect(lesson.definition.exercise?.check).toBe('check.ts');
    expect(readFileSync(path.join(lesson.dir, 'lesson.ts'), 'utf8')).not.toMatch(/from '\.\/check'/);
    expect(typeof (await loadExerciseCheck(lesson.dir, lesson.definition.exercise!))).toBe('function');
    const dir = makeStateDir();
    writeFileSync(path.join(dir, 'no-run.ts'), 'export const check = 1;\n');
    await expect(loadExerciseCheck(dir, { check: 'no-run.ts' })).rejects.toThrow(ExerciseCheckError);
    await expect(loadExerciseCheck(dir, { check: 'no-run.ts' })).rejects.toThrow(/no-run\.ts does not export a function run\(context\)/);
    await expect(loadExerciseCheck(dir, { check: 'missing.ts' })).rejects.toThrow(/missing\.ts did not load/);
  });

  it('declares, for the repository’s own type check, only names the client exports', () => {
    const shim = readFileSync(path.join(lesson.dir, 'pop3-playground.d.ts'), 'utf8');
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

    it('shows the file’s path when the lesson starts and puts `exercise` in scope', async () => {
      const driver = await startReplDriver({ embedded, lessons: course.lessons, startAt: lesson });
      try {
        const p = paths(driver.stateDir);
        expect(driver.output()).toContain(`Your file: ${p.file}`);
        expect(await driver.run('exercise.file')).toBe(`'${p.file}'\n`);
        expect(existsSync(p.file)).toBe(true);
      } finally {
        await driver.close();
      }
    });

    it('reports a file that does not compile, and every goal stays unmet', async () => {
      const driver = await startReplDriver({ embedded, lessons: course.lessons, startAt: lesson });
      try {
        writeFileSync(paths(driver.stateDir).file, 'export async function fetchMail( {\n');
        const out = await driver.run('.check');
        expect(out).toMatch(/fetcher\.ts:\d+:\d+: /);
        expect(driver.repl.runner.results.filter((r) => r.met)).toEqual([]);
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
        const out = await driver.run('.check');
        expect(out).toMatch(/✘ the check was stopped after 1 s/);
        expect(await driver.run('1 + 1')).toBe('2\n');
      } finally {
        await driver.close();
      }
    });
  });
});
