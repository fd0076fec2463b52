import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyProgress, goalProgress, lessonProgress, markDone, mergeProgress, parseProgress, ProgressFileError, recordGoalVerdicts, recordHintShown } from '../../src/tutor';
import type { Progress } from '../../src/tutor';
import { FileProgressStore, readProgress, resolveStateDir, writeProgress } from '../../src/tutor/node';

const ROOT = path.join(__dirname, '..', '..');
const tempDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'pg-progress-'));
const at = (iso: string): Date => new Date(iso);

describe('progress file', () => {
  it('round-trips through small, readable JSON in format 2', () => {
    const file = path.join(tempDir(), 'nested', 'progress.json');
    const progress = emptyProgress();
    progress.current = '02-user-and-pass';
    markDone(progress, '01-first-contact', at('2025-03-01T10:00:00Z'));
    const second = lessonProgress(progress, '02-user-and-pass');
    recordHintShown(second, 'wrong-password', 2);
    recordGoalVerdicts(second, [{ id: 'wrong-password', met: true }, { id: 'logged-in', met: false }], true, at('2025-03-02T09:00:00Z'));
    second.failedChecks = 3;
    writeProgress(file, progress);
    expect(readProgress(file)).toEqual(progress);
    expect(readFileSync(file, 'utf8')).toBe(`{
  "formatVersion": 2,
  "lessons": {
    "01-first-contact": {
      "status": "done",
      "hints": {},
      "failedChecks": 0,
      "goals": {},
      "completedAt": "2025-03-01T10:00:00.000Z"
    },
    "02-user-and-pass": {
      "status": "started",
      "hints": {
        "wrong-password": 2
      },
      "failedChecks": 3,
      "goals": {
        "wrong-password": {
          "met": true,
          "checks": 0,
          "hintsShown": 2,
          "firstMetAt": "2025-03-02T09:00:00.000Z"
        },
        "logged-in": {
          "met": false,
          "checks": 1,
          "hintsShown": 0
        }
      }
    }
  },
  "current": "02-user-and-pass"
}
`);
  });

  it('keeps the first completion time, and a goal once met stays met with its first time', () => {
    const progress = emptyProgress();
    markDone(progress, 'a', at('2025-01-01T00:00:00Z'));
    markDone(progress, 'a', at('2026-01-01T00:00:00Z'));
    expect(progress.lessons.a?.completedAt).toBe('2025-01-01T00:00:00.000Z');
    const lesson = lessonProgress(progress, 'a');
    expect(recordGoalVerdicts(lesson, [{ id: 'g', met: true }], false, at('2025-02-01T00:00:00Z'))).toBe(true);
    expect(recordGoalVerdicts(lesson, [{ id: 'g', met: false }], false, at('2025-03-01T00:00:00Z'))).toBe(false);
    expect(recordGoalVerdicts(lesson, [{ id: 'g', met: true }], true, at('2025-04-01T00:00:00Z'))).toBe(false);
    expect(lesson.goals.g).toEqual({ met: true, firstMetAt: '2025-02-01T00:00:00.000Z', checks: 0, hintsShown: 0 });
    recordHintShown(lesson, 'g', 2);
    recordHintShown(lesson, 'g', 1);
    expect([lesson.hints.g, lesson.goals.g?.hintsShown]).toEqual([2, 2]);
  });

  it('treats a missing file as no progress, and refuses a corrupt one without touching it', () => {
    const dir = tempDir();
    expect(readProgress(path.join(dir, 'none.json'))).toEqual(emptyProgress());
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{ half');
    expect(() => readProgress(bad)).toThrow(ProgressFileError);
    expect(readFileSync(bad, 'utf8')).toBe('{ half');
    writeFileSync(bad, '{"formatVersion": 7}');
    expect(() => readProgress(bad)).toThrow(/formatVersion must be 1 or 2/);
    expect(() => new FileProgressStore(bad).save(emptyProgress())).toThrow(ProgressFileError);
    expect(readFileSync(bad, 'utf8')).toBe('{"formatVersion": 7}');
  });

  it('ignores malformed entries instead of failing', () => {
    const text = JSON.stringify({
      formatVersion: 2,
      current: 'x',
      lessons: { x: { status: 'weird', hints: { g: -1, h: 2.7 }, failedChecks: 'no', goals: { a: { met: 'yes', checks: -3, hintsShown: 1.5 }, b: 4 } }, y: 5 },
    });
    expect(parseProgress(text, 'p.json')).toEqual({
      formatVersion: 2,
      current: 'x',
      lessons: { x: { status: 'started', hints: { h: 2 }, failedChecks: 0, goals: { a: { met: false, checks: 0, hintsShown: 1 } } } },
    });
  });

  it('lives under the XDG state directory unless --state-dir says otherwise', () => {
    expect(resolveStateDir('/tmp/explicit', {})).toBe('/tmp/explicit');
    expect(resolveStateDir(undefined, { XDG_STATE_HOME: '/xdg/state' })).toBe('/xdg/state/pop3-playground');
    expect(resolveStateDir(undefined, { XDG_STATE_HOME: 'relative/ignored' })).toBe(path.join(os.homedir(), '.local', 'state', 'pop3-playground'));
    expect(resolveStateDir(undefined, {})).toBe(path.join(os.homedir(), '.local', 'state', 'pop3-playground'));
  });
});

describe('progress format 1', () => {
  const v1 = {
    formatVersion: 1,
    current: '02-user-and-pass',
    lessons: {
      '01-first-contact': { status: 'done', completedAt: '2025-03-01T10:00:00.000Z', hints: { raw: 1 }, failedChecks: 0 },
      '02-user-and-pass': { status: 'started', hints: { 'wrong-password': 2 }, failedChecks: 2 },
    },
  };

  it('is read as format 2: each hinted goal gets an entry, met when its lesson is done', () => {
    expect(parseProgress(JSON.stringify(v1), 'p.json')).toEqual({
      formatVersion: 2,
      current: '02-user-and-pass',
      lessons: {
        '01-first-contact': { status: 'done', completedAt: '2025-03-01T10:00:00.000Z', hints: { raw: 1 }, failedChecks: 0, goals: { raw: { met: true, checks: 0, hintsShown: 1 } } },
        '02-user-and-pass': { status: 'started', hints: { 'wrong-password': 2 }, failedChecks: 2, goals: { 'wrong-password': { met: false, checks: 0, hintsShown: 2 } } },
      },
    });
  });

  it('is left as it is by reading, and upgraded by the first save', () => {
    const file = path.join(tempDir(), 'progress.json');
    writeFileSync(file, JSON.stringify(v1));
    const store = new FileProgressStore(file);
    const progress = store.load();
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(v1));
    recordHintShown(lessonProgress(progress, '02-user-and-pass'), 'logged-in', 1);
    store.save(progress);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { formatVersion: number; lessons: Record<string, { goals: Record<string, unknown> }> };
    expect(saved.formatVersion).toBe(2);
    expect(saved.lessons['02-user-and-pass']?.goals).toEqual({ 'wrong-password': { met: false, checks: 0, hintsShown: 2 }, 'logged-in': { met: false, checks: 0, hintsShown: 1 } });
    expect(saved.lessons['01-first-contact']).toMatchObject({ status: 'done', completedAt: '2025-03-01T10:00:00.000Z' });
  });
});

describe('what this version does not know', () => {
  it('is kept through a load and a save: unknown lessons and unknown fields at every level', () => {
    const file = path.join(tempDir(), 'progress.json');
    writeFileSync(
      file,
      JSON.stringify({
        formatVersion: 2,
        language: 'fr',
        lessons: {
          '99-from-another-pack': { status: 'done', hints: {}, failedChecks: 0, goals: {} },
          '01-first-contact': { status: 'started', hints: {}, failedChecks: 0, notes: 'tricky', goals: { raw: { met: false, checks: 1, hintsShown: 0, seconds: 42 } } },
        },
      }),
    );
    const store = new FileProgressStore(file);
    const progress = store.load();
    markDone(progress, '01-first-contact', at('2025-05-05T00:00:00Z'));
    store.save(progress);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> & { lessons: Record<string, Record<string, unknown>> };
    expect(saved.language).toBe('fr');
    expect(saved.lessons['99-from-another-pack']).toEqual({ status: 'done', hints: {}, failedChecks: 0, goals: {} });
    expect(saved.lessons['01-first-contact']).toMatchObject({ status: 'done', notes: 'tricky', goals: { raw: { met: false, checks: 1, hintsShown: 0, seconds: 42 } } });
  });
});

describe('merging two writers', () => {
  const lesson = (progress: Progress, id: string) => lessonProgress(progress, id);

  it('lets done win, keeps the earliest times, the highest counts and tiers, and met once met', () => {
    const stored = emptyProgress();
    stored.current = 'b';
    markDone(stored, 'a', at('2025-01-02T00:00:00Z'));
    Object.assign(goalProgress(lesson(stored, 'a'), 'g'), { met: true, firstMetAt: '2025-01-02T00:00:00.000Z', checks: 1, hintsShown: 1 });
    Object.assign(lesson(stored, 'a'), { failedChecks: 5, hints: { g: 1 } });
    lesson(stored, 'only-stored');

    const mine = emptyProgress();
    mine.current = 'a';
    Object.assign(lesson(mine, 'a'), { failedChecks: 2, hints: { g: 3, h: 1 } });
    Object.assign(goalProgress(lesson(mine, 'a'), 'g'), { met: true, firstMetAt: '2025-01-01T00:00:00.000Z', checks: 4, hintsShown: 3 });
    Object.assign(goalProgress(lesson(mine, 'a'), 'h'), { met: false, checks: 2, hintsShown: 1 });
    markDone(mine, 'c', at('2025-01-03T00:00:00Z'));

    const merged = mergeProgress(stored, mine);
    expect(merged).toEqual({
      formatVersion: 2,
      current: 'a',
      lessons: {
        a: {
          status: 'done',
          completedAt: '2025-01-02T00:00:00.000Z',
          hints: { g: 3, h: 1 },
          failedChecks: 5,
          goals: { g: { met: true, firstMetAt: '2025-01-01T00:00:00.000Z', checks: 4, hintsShown: 3 }, h: { met: false, checks: 2, hintsShown: 1 } },
        },
        'only-stored': { status: 'started', hints: {}, failedChecks: 0, goals: {} },
        c: { status: 'done', completedAt: '2025-01-03T00:00:00.000Z', hints: {}, failedChecks: 0, goals: {} },
      },
    });
    // The same whichever side is stored, but for `current`, which is the saver's.
    expect({ ...mergeProgress(mine, stored), current: 'a' }).toEqual(merged);
  });

  it('loses nothing when two stores on one file save in turn from stale copies', () => {
    const file = path.join(tempDir(), 'progress.json');
    const repl = new FileProgressStore(file);
    const tool = new FileProgressStore(file);
    const mine = repl.load();
    const theirs = tool.load();
    markDone(mine, '01-first-contact', at('2025-06-01T00:00:00Z'));
    recordHintShown(lessonProgress(theirs, '02-user-and-pass'), 'wrong-password', 1);
    theirs.current = '02-user-and-pass';
    tool.save(theirs);
    const merged = repl.save(mine);
    recordGoalVerdicts(lessonProgress(theirs, '02-user-and-pass'), [{ id: 'wrong-password', met: true }], false, at('2025-06-02T00:00:00Z'));
    tool.save(theirs);
    expect(merged.lessons['02-user-and-pass']?.hints).toEqual({ 'wrong-password': 1 });
    const final = readProgress(file);
    expect(final.lessons['01-first-contact']).toMatchObject({ status: 'done', completedAt: '2025-06-01T00:00:00.000Z' });
    expect(final.lessons['02-user-and-pass']?.goals['wrong-password']).toEqual({ met: true, firstMetAt: '2025-06-02T00:00:00.000Z', checks: 0, hintsShown: 1 });
    expect(final.current).toBe('02-user-and-pass');
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('loses nothing when two processes save to one file at once', async () => {
    const file = path.join(tempDir(), 'progress.json');
    const count = 150;
    const writers = ['repl', 'tool'].map((name) => {
      const child = spawn(process.execPath, ['-r', './src/register.js', 'test/tutor/progress-writer.ts', file, name, String(count)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
      const ready = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      const exited = new Promise<number | null>((resolve, reject) => {
        child.on('error', reject);
        child.on('exit', resolve);
      });
      return { child, ready, exited };
    });
    await Promise.all(writers.map((w) => w.ready));
    for (const w of writers) w.child.stdin.end('go\n');
    expect(await Promise.all(writers.map((w) => w.exited))).toEqual([0, 0]);
    const lesson = readProgress(file).lessons['shared-lesson'];
    const expected = Object.fromEntries(['repl', 'tool'].flatMap((name) => Array.from({ length: count }, (_, i) => [`${name}-${i}`, { met: false, checks: i + 1, hintsShown: 0 }])));
    expect(lesson?.goals).toEqual(expected);
    expect(lesson?.failedChecks).toBe(count - 1);
  }, 60_000);

  it('replaces everything on request (.reset all confirm)', () => {
    const file = path.join(tempDir(), 'progress.json');
    const store = new FileProgressStore(file);
    const progress = emptyProgress();
    markDone(progress, 'a');
    store.save(progress);
    store.replace(emptyProgress());
    expect(readProgress(file)).toEqual(emptyProgress());
  });
});

describe('the lock beside progress.json', () => {
  it('is taken over when the process that holds it is gone', () => {
    const file = path.join(tempDir(), 'progress.json');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: Number(gone.stdout), token: 'crashed' }));
    new FileProgressStore(file).save(emptyProgress());
    expect(readProgress(file)).toEqual(emptyProgress());
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('is taken over once it is older than the stale limit, even when its holder lives', () => {
    const file = path.join(tempDir(), 'progress.json');
    const lock = `${file}.lock`;
    writeFileSync(lock, JSON.stringify({ pid: process.pid, token: 'hung' }));
    const past = new Date(Date.now() - 60_000);
    utimesSync(lock, past, past);
    new FileProgressStore(file).save(emptyProgress());
    expect(existsSync(lock)).toBe(false);

    // A fresh one is waited for until it turns stale.
    writeFileSync(lock, JSON.stringify({ pid: process.pid, token: 'busy' }));
    const started = Date.now();
    new FileProgressStore(file, { staleMs: 300 }).save(emptyProgress());
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(existsSync(lock)).toBe(false);
  });
});
