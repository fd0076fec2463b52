import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExerciseUnit } from '../../src/tutor';
import { ALTERNATIVES_DIR, filesOf, loadShippedExercises, MISTAKES_DIR, startTrack } from './exercise-fixture';
import type { TrackFixture } from './exercise-fixture';

// Every file exercise but the capstone (test/exercises/capstone.test.ts): the template fails
// every goal, the solution and at least two other correct solutions, written differently,
// pass every goal with no mistake's hint, each common mistake earns its own hint, and each
// verify finishes within 5 s. Judged on what the functions return and what the server saw.
const HEAVY = new Set(['fetcher']);
const VERIFY_BUDGET_MS = 5_000;

describe('the file exercises', async () => {
  const exercises = await loadShippedExercises();
  const light = exercises.filter((e) => !HEAVY.has(e.id));
  let fixture: TrackFixture;
  beforeAll(async () => {
    fixture = await startTrack(exercises);
  });
  afterAll(async () => {
    await fixture?.close();
  });

  const unmet = (outcome: { judgement: { results: readonly { id: string; met: boolean }[] } }): string[] => outcome.judgement.results.filter((r) => !r.met).map((r) => r.id);

  it('ships at least five exercises beside the capstone, each with two other correct solutions and a mistaken file per mistake', () => {
    expect(light.length).toBeGreaterThanOrEqual(5);
    for (const unit of light) {
      expect(filesOf(ALTERNATIVES_DIR, unit.id).length, unit.id).toBeGreaterThanOrEqual(2);
      expect(filesOf(MISTAKES_DIR, unit.id).map((m) => m.name), unit.id).toEqual((unit.definition.mistakes ?? []).map((m) => m.id).sort());
    }
  });

  describe.each(light.map((unit) => [unit.id, unit] as [string, ExerciseUnit]))('%s', (_id, unit) => {
    const source = (file: string): string => readFileSync(file, 'utf8');

    it('fails every goal with the template, and passes every goal with the solution within 5 s', async () => {
      const template = await fixture.verifyWith(unit, source(fixture.track.paths(unit).template));
      expect(unmet(template)).toEqual(unit.definition.goals.map((g) => g.id));
      const solution = await fixture.verifyWith(unit, source(fixture.track.paths(unit).solution));
      expect(unmet(solution), [...solution.reports, solution.run.facts.error?.message].join('\n')).toEqual([]);
      expect(solution.judgement.mistake).toBeUndefined();
      expect(solution.ms).toBeLessThan(VERIFY_BUDGET_MS);
    });

    it.each(filesOf(ALTERNATIVES_DIR, unit.id).map((a) => [a.name, a.file]))('passes every goal written another way: %s', async (_name, file) => {
      const outcome = await fixture.verifyWith(unit, source(file));
      expect(unmet(outcome), outcome.reports.join('\n')).toEqual([]);
      expect(outcome.judgement.mistake?.id).toBeUndefined();
    });

    it.each(filesOf(MISTAKES_DIR, unit.id).map((m) => [m.name, m.file]))('earns the hint of the mistake %s', async (name, file) => {
      const outcome = await fixture.verifyWith(unit, source(file));
      const mistake = unit.definition.mistakes?.find((m) => m.id === name);
      expect(outcome.judgement.mistake?.id, outcome.reports.join('\n')).toBe(name);
      expect(outcome.hint).toBe(mistake?.hint);
      if (mistake?.goal) expect(unmet(outcome)).toContain(mistake.goal);
    });
  });
});
