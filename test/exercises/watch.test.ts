import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/exercises/cli';
import { ExerciseWatch } from '../../src/exercises/exercise-watch';
import type { VerifyOutcome } from '../../src/exercises/exercise-track';
import { watchSavedFile } from '../../src/exercises/file-watcher';
import type { ExerciseUnit } from '../../src/tutor';
import { readProgress } from '../../src/tutor/node';
import { lessonById, loadCourse } from '../lessons/lesson-attempt';
import { startReplDriver } from '../lessons/repl-driver';
import { loadShippedExercises, makeStateDir, startTrack } from './exercise-fixture';
import type { TrackFixture } from './exercise-fixture';

/** Resolves when `check()` holds, checking on every call of the returned `poke`; rejects after `ms`, saying what was seen. */
function until<T>(check: () => T | undefined, ms: number, what: string): { done: Promise<T>; poke(): void } {
  let poke = (): void => {};
  const done = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
    poke = () => {
      const value = check();
      if (value !== undefined) {
        clearTimeout(timer);
        resolve(value);
      }
    };
    poke();
  });
  return { done, poke };
}

describe('watching a saved file', () => {
  // Each save is counted once: the next save, a known event, finds the count one higher, never two.
  it.each(['auto', 'poll'] as const)('reports a save and an atomic rename-on-save once each, within a second (%s)', async (mode) => {
    const dir = makeStateDir();
    const file = path.join(dir, 'watched.ts');
    writeFileSync(file, 'export const a = 1;\n');
    let saves = 0;
    let waiter: { poke(): void } = { poke: () => {} };
    const watch = watchSavedFile({ file, mode, onSave: () => (saves++, waiter.poke()) });
    try {
      expect(watch.mode).toBe(mode === 'poll' ? 'poll' : 'events');
      const saved = async (save: () => void, count: number): Promise<void> => {
        const next = until(() => (saves >= count ? saves : undefined), 1_000, `save ${count}`);
        waiter = next;
        const started = Date.now();
        save();
        expect(await next.done).toBe(count);
        expect(Date.now() - started).toBeLessThan(1_000);
      };
      await saved(() => writeFileSync(file, 'export const a = 2;\n'), 1);
      // An editor's atomic save: a new file written beside, renamed over the old one (a new inode).
      await saved(() => {
        writeFileSync(`${file}.tmp`, 'export const a = 3;\n');
        renameSync(`${file}.tmp`, file);
      }, 2);
      await saved(() => writeFileSync(file, 'export const a = 4;\n'), 3);
    } finally {
      watch.close();
    }
  });
});

describe('watch mode on an exercise', async () => {
  const exercises = await loadShippedExercises();
  const unit = exercises.find((e) => e.id === 'apop-digest') as ExerciseUnit;
  let fixture: TrackFixture;
  beforeAll(async () => {
    fixture = await startTrack(exercises, { timeoutMs: 2_000 });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('checks at once and after every save; a syntax error, a hang and an endless loop are reported and the watch goes on', async () => {
    const paths = fixture.track.paths(unit);
    writeFileSync(fixture.track.prepare(unit).file, readFileSync(paths.template, 'utf8'));
    const outcomes: VerifyOutcome[] = [];
    const printed: string[] = [];
    let waiter: { poke(): void } = { poke: () => {} };
    const watch = new ExerciseWatch({
      track: fixture.track,
      unit,
      print: (lines) => printed.push(...lines),
      onVerified: (outcome) => {
        outcomes.push(outcome);
        waiter.poke();
      },
    });
    const nextCheck = (ms = 10_000): Promise<VerifyOutcome> => {
      const count = outcomes.length + 1;
      const next = until(() => outcomes[count - 1], ms, `check ${count}`);
      waiter = next;
      return next.done;
    };
    try {
      let check = nextCheck();
      watch.recheck();
      expect((await check).judgement.passedNow).toBe(false);
      expect(printed).toContain('  ✘ Gives RFC 1939 §7\'s own example: `c4c9334bac560ecc979e58001b3e22fb` for `tanstaaf`');
      const save = async (source: string): Promise<VerifyOutcome> => {
        check = nextCheck();
        writeFileSync(paths.file, source);
        return check;
      };
      const broken = await save('export function apopDigest( {\n');
      expect(broken.run.facts.error?.message ?? JSON.stringify(broken.run.facts.result)).toMatch(/apop-digest\.ts:\d+:\d+/);
      const hang = await save('export function apopDigest(): Promise<string> {\n  return new Promise(() => {});\n}\n');
      expect(hang.run.facts.error?.code).toBe('EXERCISE_TIMEOUT');
      const loop = await save('export function apopDigest(): string {\n  for (;;) {}\n}\n');
      expect(loop.run.facts.error?.code).toBe('EXERCISE_TIMEOUT');
      expect(printed.filter((l) => l.startsWith('✘ the check was stopped after 2 s'))).toHaveLength(2);
      // The first divergence read as expected vs actual, with a hint.
      const wrong = await save("export const apopDigest = (): string => 'nope';\n");
      const at = printed.lastIndexOf('      expected: apopDigest("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>", "tanstaaf") to give "c4c9334bac560ecc979e58001b3e22fb"');
      expect(at).toBeGreaterThan(0);
      expect(printed[at + 1]).toBe('      actual:   it gave "nope"');
      expect(wrong.hint).toBe(unit.definition.goals[0]!.hints![0]);
      expect(printed.at(-1)).toBe(`Hint: ${wrong.hint}`);
      const fixed = await save(readFileSync(paths.solution, 'utf8'));
      expect(fixed.judgement.passedNow).toBe(true);
      expect(printed.at(-1)).toBe(`The solution, to compare notes: ${paths.file.replace(/\.ts$/, '.solution.ts')} (yours is untouched)`);
    } finally {
      await watch.close();
    }
  }, 90_000);
});

describe('npm run exercises beside the REPL', () => {
  it('lists every exercise with the path of the learner’s file, and verifies with an exit code', async () => {
    const stateDir = makeStateDir();
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const io = { stdout: out, stderr: out, stdin: new PassThrough() };
    expect(await main(['list', '--state-dir', stateDir], io)).toBe(0);
    expect(text).toContain(`       ${path.join(stateDir, 'workspace', 'apop-digest.ts')}\n`);
    expect(await main(['verify', 'apop-digest', '--state-dir', stateDir], io)).toBe(1);
    expect(text).toContain('0 of 3 goals met');
  }, 60_000);

  it('keeps the progress of both when the REPL and npm run exercises verify at once', async () => {
    const course = await loadCourse();
    const exercises = await loadShippedExercises();
    const stateDir = makeStateDir();
    const { startEmbeddedTarget } = await import('../../src/cli');
    const embedded = await startEmbeddedTarget();
    const driver = await startReplDriver({ embedded, lessons: course.lessons, startAt: lessonById(course, '14-beyond-the-sandbox'), stateDir });
    try {
      await driver.run('.exercise list');
      for (const id of ['apop-digest', 'scan-listing']) {
        const e = exercises.find((x) => x.id === id)!;
        writeFileSync(path.join(stateDir, 'workspace', e.definition.file), readFileSync(path.join(e.dir, 'solution.ts'), 'utf8'));
      }
      const sink = new PassThrough().resume();
      const [fromRepl, fromCommand] = await Promise.all([
        driver.run('.exercise verify apop-digest', 60_000),
        main(['verify', 'scan-listing', '--state-dir', stateDir], { stdout: sink, stderr: sink, stdin: new PassThrough() }),
      ]);
      expect(fromRepl).toContain('passes every goal of "apop-digest"');
      expect(fromCommand).toBe(0);
      await driver.run('.lesson 14');
      const progress = readProgress(path.join(stateDir, 'progress.json'));
      expect(progress.lessons['03-apop-and-rpop/apop-digest']?.status).toBe('done');
      expect(progress.lessons['04-stat-and-list/scan-listing']?.status).toBe('done');
      expect(progress.lessons['14-beyond-the-sandbox']?.status).toBe('done');
    } finally {
      await driver.close();
      await embedded.close();
    }
  }, 90_000);
});
