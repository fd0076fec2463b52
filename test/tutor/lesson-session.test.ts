import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LessonSession, markDone } from '../../src/tutor';
import type { Lesson, LessonDefinition } from '../../src/tutor';
import { FileProgressStore, readProgress } from '../../src/tutor/node';
import { aliceLogsIn, wrongPassword } from './transcript-fixtures';

const lessonOf = (id: string, definition: Omit<LessonDefinition, 'formatVersion' | 'title'>, number = 1): Lesson => ({
  id,
  number,
  dir: '/nowhere',
  markdown: '',
  definition: { formatVersion: 1, title: id, ...definition },
});

const login = lessonOf('01-login', {
  goals: [
    { id: 'wrong-password', text: 'fail once', check: (f) => f.replies('PASS').some((e) => e.status === '-ERR'), hints: ['try a wrong one', 'PASS rabbit'] },
    { id: 'logged-in', text: 'log in', check: (f) => f.loggedIn('alice'), hints: ['the right one'] },
  ],
  solution: ['a', 'b'],
});
const reading = lessonOf('02-reading', {}, 2);

/** A session on a progress file in a fresh folder, with a clock that says what the test wants. */
function sessionOn(file = path.join(mkdtempSync(path.join(os.tmpdir(), 'pg-session-')), 'progress.json')) {
  let now = new Date('2025-04-01T12:00:00.000Z');
  const session = new LessonSession({ lessons: [login, reading], store: new FileProgressStore(file), now: () => now });
  return {
    session,
    file,
    setClock: (iso: string) => {
      now = new Date(iso);
    },
    saved: () => readProgress(file),
  };
}

describe('a lesson session', () => {
  it('records in progress, per goal, when it was first met, the checks that found it unmet and the hints shown', () => {
    const { session, saved, setClock } = sessionOn();
    session.enter(login);
    expect(session.takeHint()).toMatchObject({ goalId: 'wrong-password', tier: 1 });
    expect(session.check(true).completedNow).toBe(false);
    for (const entry of wrongPassword) session.recordEntry(entry);
    setClock('2025-04-01T12:05:00.000Z');
    expect(session.check(false).changed).toBe(true);
    expect(saved().lessons['01-login']).toEqual({
      status: 'started',
      hints: { 'wrong-password': 1 },
      failedChecks: 1,
      goals: {
        'wrong-password': { met: true, firstMetAt: '2025-04-01T12:05:00.000Z', checks: 1, hintsShown: 1 },
        'logged-in': { met: false, checks: 1, hintsShown: 0 },
      },
    });

    // A reset forgets the facts, not the goal: met stays met, with its first time, and a
    // .check does not count it unmet again.
    session.clearFacts();
    setClock('2025-04-01T12:10:00.000Z');
    expect(session.check(true).results.map((r) => [r.met, r.metBefore === true])).toEqual([
      [false, true],
      [false, false],
    ]);
    for (const entry of [...wrongPassword, ...aliceLogsIn]) session.recordEntry(entry);
    setClock('2025-04-01T12:20:00.000Z');
    expect(session.check(false).completedNow).toBe(true);
    expect(saved().lessons['01-login']).toEqual({
      status: 'done',
      completedAt: '2025-04-01T12:20:00.000Z',
      hints: { 'wrong-password': 1 },
      failedChecks: 2,
      goals: {
        'wrong-password': { met: true, firstMetAt: '2025-04-01T12:05:00.000Z', checks: 1, hintsShown: 1 },
        'logged-in': { met: true, firstMetAt: '2025-04-01T12:20:00.000Z', checks: 2, hintsShown: 0 },
      },
    });
  });

  it('keeps what another writer saved meanwhile, and holds it from then on', () => {
    const { session, file } = sessionOn();
    session.enter(login);
    const other = new FileProgressStore(file);
    const theirs = other.load();
    markDone(theirs, '02-reading', new Date('2025-04-01T11:00:00.000Z'));
    other.save(theirs);
    expect(session.takeHint()?.tier).toBe(1);
    expect(session.isDone(reading)).toBe(true);
    expect(readProgress(file).lessons['02-reading']?.completedAt).toBe('2025-04-01T11:00:00.000Z');
    expect(readProgress(file).current).toBe('01-login');
  });

  it('resumes at the saved lesson, and forgets everything, in the store too, on request', () => {
    const first = sessionOn();
    first.session.enter(reading);
    const again = sessionOn(first.file).session;
    expect(again.current?.id).toBe('02-reading');
    expect(again.isDone(reading)).toBe(true);
    again.forgetAll();
    expect(readProgress(first.file)).toEqual({ formatVersion: 2, current: '01-login', lessons: {} });
    expect(again.progressLocation).toBe(first.file);
  });

  it('works on in memory, never writing, when stored progress cannot be read', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'pg-session-')), 'progress.json');
    writeFileSync(file, '{ broken');
    const { session } = sessionOn(file);
    expect(session.progressProblem).toMatch(/progress\.json: not valid JSON/);
    session.enter(login);
    session.takeHint();
    session.forgetAll();
    expect(readFileSync(file, 'utf8')).toBe('{ broken');
  });
});
