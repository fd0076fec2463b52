import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { createFacts, UnknownSeedMessageError, evaluateGoals, findMistake, nextHint, solutionLines, solutionView, allGoalsMet } from '../../src/tutor';
import { loadLessons, seedFolderLookup } from '../../src/tutor/node';
import type { Lesson, LessonDefinition } from '../../src/tutor';
import { aliceLogsIn, passFirst, transcript, wrongPassword } from './transcript-fixtures';

const LESSONS_DIR = path.join(__dirname, '..', '..', 'lessons');

function lessonOf(definition: Omit<LessonDefinition, 'formatVersion' | 'title'>): Lesson {
  return { id: '99-test', number: 1, dir: '/nowhere', markdown: '', definition: { formatVersion: 1, title: 'Test', ...definition } };
}

describe('facts', () => {
  it('answers queries over the transcript', () => {
    const facts = createFacts({ transcript: [...wrongPassword, ...aliceLogsIn], values: [1, 'two'] });
    expect(facts.commands('user')).toHaveLength(2);
    expect(facts.replies('PASS').map((e) => e.status)).toEqual(['-ERR', '+OK']);
    expect(facts.events('CONNECT')).toHaveLength(2);
    expect(facts.loggedIn('alice')).toBe(true);
    expect(facts.loggedIn('bob')).toBe(false);
    expect(facts.lastValue).toBe('two');
    expect(facts.produced((v) => v === 1)).toBe(true);
    expect(facts.sessions().map((s) => [s.session, s.keywords.join(' '), s.state, s.user ?? '-'])).toEqual([
      ['s2', 'USER PASS', 'AUTHORIZATION', '-'],
      ['s1', 'USER PASS QUIT', 'CLOSED', 'alice'],
    ]);
  });

  it('pairs each command with the reply that answered it, per session', () => {
    const pipelined = transcript('s4', ['C: USER alice', 'C: PASS ***', 'S: +OK send PASS', ['S: +OK in', { stateAfter: 'TRANSACTION' }], 'C: STAT', 'S: +OK 2 320']);
    const facts = createFacts({ transcript: [...wrongPassword, ...pipelined], values: [] });
    const pairs = (keyword?: string): string[] => facts.exchanges(keyword).map((x) => `${x.command.session} ${x.command.text} -> ${x.reply.text}`);
    // The next status line answers a command only when it is for the same keyword: a pipelined USER has none.
    expect(pairs()).toEqual(['s2 USER alice -> +OK now send PASS', 's2 PASS *** -> -ERR [AUTH] invalid user name or password', 's4 PASS *** -> +OK send PASS', 's4 STAT -> +OK 2 320']);
    expect(pairs('stat')).toEqual(['s4 STAT -> +OK 2 320']);
    expect(facts.sessions()[1]?.exchanges.map((x) => x.command.keyword)).toEqual(['PASS', 'STAT']);
  });

  it('knows the seed messages by name: subject and size as the server reports it', () => {
    const facts = createFacts({ transcript: [], values: [], seed: seedFolderLookup() });
    // bare-lf is stored with LF line ends; its size counts CRLF (RFC 1939 §11).
    const bare = facts.seed('bare-lf');
    expect(bare.name).toBe('bare-lf');
    expect(bare.size).toBeGreaterThan(0);
    expect(facts.seed('encoded-subject').subject).not.toMatch(/=\?/);
    expect(() => facts.seed('no-such-mail')).toThrow(UnknownSeedMessageError);
    const own = createFacts({ transcript: [], values: [], seed: (name) => (name === 'x' ? { name, subject: 'X', from: '', date: '', tags: [], size: 3 } : undefined) });
    expect(own.seed('x').size).toBe(3);
    expect(() => own.seed('bare-lf')).toThrow(/no seed message named "bare-lf"/);
    // The core reads nothing itself: without a seed from the front end, no name is known.
    expect(() => createFacts({ transcript: [], values: [] }).seed('bare-lf')).toThrow(UnknownSeedMessageError);
  });

  it('has empty defaults before anything happened', () => {
    const facts = createFacts({ transcript: [], values: [] });
    expect(facts.lastValue).toBeUndefined();
    expect(facts.repl).toEqual({ rawSessions: 0, rawLines: [], clients: 0, trace: false, traceIntervals: [], errors: [] });
    expect(facts.shown).toEqual([]);
    expect(facts.calls()).toEqual([]);
    expect(facts.saw(() => true)).toBe(false);
    expect(facts.loggedIn()).toBe(false);
  });
});

describe('goal evaluation', () => {
  const lesson = lessonOf({
    goals: [
      { id: 'login', text: 'log in', check: (f) => f.loggedIn('alice'), hints: ['one', 'two'] },
      { id: 'quit', text: 'quit', check: (f) => f.replies('QUIT').some((e) => e.status === '+OK'), hints: ['q'] },
      {
        id: 'broken',
        text: 'throws',
        check: () => {
          throw new Error('author bug');
        },
      },
    ],
    mistakes: [
      { id: 'pass-first', when: (f) => f.sessions().some((s) => s.keywords[0] === 'PASS'), hint: 'USER first' },
      {
        id: 'throws',
        when: () => {
          throw new Error('x');
        },
        hint: 'never',
      },
    ],
    solution: ['a', 'b', 'c'],
  });

  it('fails every goal on an empty transcript', () => {
    const results = evaluateGoals(lesson, createFacts({ transcript: [], values: [] }));
    expect(results.map((r) => r.met)).toEqual([false, false, false]);
    expect(allGoalsMet(results)).toBe(false);
  });

  it('ticks goals from the structured transcript, and a throwing check counts as unmet', () => {
    const results = evaluateGoals(lesson, createFacts({ transcript: aliceLogsIn, values: [] }));
    expect(results.map((r) => [r.id, r.met])).toEqual([
      ['login', true],
      ['quit', true],
      ['broken', false],
    ]);
    expect((results[2]?.error as Error).message).toBe('author bug');
  });

  it('does not count a refused password as a login', () => {
    const results = evaluateGoals(lesson, createFacts({ transcript: wrongPassword, values: [] }));
    expect(results[0]?.met).toBe(false);
  });

  it('finds a common mistake once, skipping predicates that throw', () => {
    const facts = createFacts({ transcript: passFirst, values: [] });
    expect(findMistake(lesson, facts, new Set())?.id).toBe('pass-first');
    expect(findMistake(lesson, facts, new Set(['pass-first']))).toBeUndefined();
    expect(findMistake(lesson, createFacts({ transcript: aliceLogsIn, values: [] }), new Set())).toBeUndefined();
  });

  it('reveals hints one tier at a time for the first unmet goal', () => {
    const results = evaluateGoals(lesson, createFacts({ transcript: [], values: [] }));
    expect(nextHint(lesson, results, {})).toMatchObject({ goalId: 'login', tier: 1, tiers: 2, text: 'one' });
    expect(nextHint(lesson, results, { login: 1 })).toMatchObject({ tier: 2, text: 'two' });
    expect(nextHint(lesson, results, { login: 2 })).toBeUndefined();
    const half = evaluateGoals(lesson, createFacts({ transcript: transcript('s9', ['C: USER alice', 'S: +OK', 'C: PASS ***', ['S: +OK in', { stateAfter: 'TRANSACTION', user: 'alice' }]]), values: [] }));
    expect(nextHint(lesson, half, { login: 2 })).toMatchObject({ goalId: 'quit', text: 'q' });
  });

  it('unlocks a flat solution gradually, and fully after a pass', () => {
    const results = evaluateGoals(lesson, createFacts({ transcript: [], values: [] }));
    const view = (passed: boolean, failedChecks: number): readonly string[] => solutionView(lesson, results, { passed, failedChecks, hints: {} }).lines;
    expect(view(false, 0)).toEqual([]);
    expect(view(false, 1)).toEqual([]);
    expect(view(false, 2)).toEqual(['a']);
    expect(view(false, 99)).toEqual(['a', 'b', 'c']);
    expect(view(true, 0)).toEqual(['a', 'b', 'c']);
  });

  it('opens a grouped solution goal by goal: the first unmet goal\'s lines, once its hints were all shown', () => {
    const grouped = lessonOf({
      goals: lesson.definition.goals!.slice(0, 2),
      solution: [
        { goal: 'login', lines: ['connect', 'login'] },
        { goal: 'quit', lines: ['quit'] },
      ],
    });
    expect(solutionLines(grouped.definition)).toEqual(['connect', 'login', 'quit']);
    const none = evaluateGoals(grouped, createFacts({ transcript: [], values: [] }));
    expect(solutionView(grouped, none, { passed: false, failedChecks: 5, hints: { login: 1 } })).toMatchObject({ lines: [], goal: { id: 'login' }, hintsLeft: 1 });
    expect(solutionView(grouped, none, { passed: false, failedChecks: 0, hints: { login: 2 } }).lines).toEqual(['connect', 'login']);
    // Once login is met (now or before), the next goal's lines wait for its own hint.
    const loggedIn = none.map((r) => (r.id === 'login' ? { ...r, metBefore: true } : r));
    expect(solutionView(grouped, loggedIn, { passed: false, failedChecks: 0, hints: { login: 2 } })).toMatchObject({ lines: [], goal: { id: 'quit' }, hintsLeft: 1 });
    expect(solutionView(grouped, loggedIn, { passed: false, failedChecks: 0, hints: { login: 2, quit: 1 } }).lines).toEqual(['quit']);
    expect(solutionView(grouped, none, { passed: true, failedChecks: 0, hints: {} }).lines).toEqual(['connect', 'login', 'quit']);
  });

  it('keeps the reasons a check gives for an unmet goal, and none for a met one', () => {
    const reasoned = lessonOf({
      goals: [
        { id: 'a', text: 'a', check: () => ({ met: false, why: 'its count has not been shown yet', seen: 'STAT was sent' }) },
        { id: 'b', text: 'b', check: () => ({ met: true, why: 'ignored' }) },
      ],
    });
    expect(evaluateGoals(reasoned, createFacts({ transcript: [], values: [] }))).toEqual([
      { id: 'a', text: 'a', met: false, why: 'its count has not been shown yet', seen: 'STAT was sent' },
      { id: 'b', text: 'b', met: true },
    ]);
  });

  it('never hints at a mistake whose goal is done, and only while its condition holds', () => {
    const tied = lessonOf({
      goals: lesson.definition.goals!.slice(0, 1),
      mistakes: [{ id: 'pass-first', goal: 'login', when: (f) => f.sessions().some((s) => s.keywords[0] === 'PASS'), hint: 'USER first' }],
    });
    const facts = createFacts({ transcript: [...passFirst, ...aliceLogsIn], values: [] });
    expect(findMistake(tied, facts, new Set(), evaluateGoals(tied, facts))).toBeUndefined();
    const before = createFacts({ transcript: passFirst, values: [] });
    const earlier = evaluateGoals(tied, before).map((r) => ({ ...r, metBefore: true }));
    expect(findMistake(tied, before, new Set(), earlier)).toBeUndefined();
    expect(findMistake(tied, before, new Set(), evaluateGoals(tied, before))?.id).toBe('pass-first');
    expect(findMistake(tied, createFacts({ transcript: aliceLogsIn, values: [] }), new Set(), [])).toBeUndefined();
  });
});

describe('the shipped lessons', () => {
  it('load without problems, and every goal fails on an empty attempt', async () => {
    const { lessons, problems } = await loadLessons(LESSONS_DIR);
    expect(problems).toEqual([]);
    expect(lessons.map((l) => l.id).slice(0, 2)).toEqual(['01-first-contact', '02-user-and-pass']);
    // Reading-only lessons (no goals) are allowed; every lesson with goals fails them when nothing was done.
    for (const lesson of lessons.filter((l) => (l.definition.goals ?? []).length > 0)) {
      const results = evaluateGoals(lesson, createFacts({ transcript: [], values: [], seed: seedFolderLookup() }));
      expect(results.filter((r) => r.met || r.error), lesson.id).toEqual([]);
      expect(solutionLines(lesson.definition).length, lesson.id).toBeGreaterThan(0);
      for (const goal of lesson.definition.goals ?? []) expect(goal.hints?.length, goal.id).toBeGreaterThan(0);
    }
  });

  it('lesson 2 sees a wrong password and a login in hand-made transcripts', async () => {
    const { lessons } = await loadLessons(LESSONS_DIR);
    const lesson = lessons.find((l) => l.id === '02-user-and-pass')!;
    const shown = [{ seq: 9, value: Object.assign(new Error('refused'), { responseCode: 'AUTH' }), via: 'error' as const }];
    const calls = [{ seq: 1, call: 'pass', args: ['***'], ok: false, value: shown[0]!.value }];
    const login = aliceLogsIn.find((e) => e.direction === 'S' && e.keyword === 'PASS')!;
    const facts = (traceIntervals: { from: number; to?: number }[]) => createFacts({ transcript: [...wrongPassword, ...aliceLogsIn], values: [], shown, calls, repl: { trace: true, traceIntervals } });
    const met = (f: ReturnType<typeof facts>) => Object.fromEntries(evaluateGoals(lesson, f).map((r) => [r.id, r.met]));
    // The trace goal needs a login made while the trace was on.
    expect(met(facts([{ from: login.time + 1 }]))).toEqual({ 'wrong-password': true, 'logged-in': true, 'trace-login': false, quit: true });
    expect(met(facts([{ from: login.time - 1, to: login.time + 1 }]))['trace-login']).toBe(true);
    expect(findMistake(lesson, createFacts({ transcript: passFirst, values: [] }), new Set())?.id).toBe('pass-without-user');
  });
});
