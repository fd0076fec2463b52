/**
 * What the file exercises print, as plain lines, the same for `npm run exercises` and
 * `.exercise` in the REPL (which shows them sanitised): the list, a verify's verdict, a hint.
 */
import { goalDone } from '../tutor/goals';
import type { ExerciseStatus, HintOutcome, VerifyOutcome } from './exercise-track';

const MARK = { done: '✔', started: '▶', pending: '·' } as const;

/** Each exercise with its status and the absolute path of the learner's file. */
export function listLines(statuses: readonly ExerciseStatus[], progressLocation: string): string[] {
  const width = Math.max(0, ...statuses.map((s) => s.unit.id.length));
  const lines = [`File exercises (${MARK.done} done, ${MARK.started} started, ${MARK.pending} not yet):`];
  for (const { unit, paths, status } of statuses) {
    const summary = unit.definition.summary ? ` - ${unit.definition.summary}` : '';
    lines.push(`  ${MARK[status]} ${String(unit.number).padStart(2)}. ${unit.id.padEnd(width)}  ${unit.definition.title}${summary}`);
    lines.push(`       ${paths.file}`);
  }
  lines.push(`Progress: ${progressLocation}`);
  return lines;
}

/** A verify's verdict: a mark per goal, the first divergence as expected vs actual, a hint, the solution after a pass. */
export function verifyLines(outcome: VerifyOutcome): string[] {
  const { unit, run, judgement } = outcome;
  const lines: string[] = [];
  if (run.facts.error) lines.push(`✘ ${run.facts.error.message}`);
  for (const result of judgement.results) {
    const mark = result.met ? '✔' : '✘';
    const before = !result.met && goalDone(result) ? ' (met earlier)' : '';
    lines.push(`  ${mark} ${result.text}${before}`);
    if (result === judgement.divergence) {
      if (result.why) lines.push(`      expected: ${result.why}`);
      lines.push(`      actual:   ${result.seen ?? (run.facts.error ? 'the run did not finish' : 'something else')}`);
    }
  }
  const seconds = (outcome.ms / 1000).toFixed(1);
  if (judgement.passedNow) {
    lines.push(`${unit.definition.file} passes every goal of "${unit.id}" (${seconds} s).${outcome.completedNow ? ' Exercise done!' : ''}`);
    if (outcome.solutionFile) lines.push(`The solution, to compare notes: ${outcome.solutionFile} (yours is untouched)`);
  } else {
    const met = judgement.results.filter((r) => r.met).length;
    lines.push(`${met} of ${judgement.results.length} goals met (${seconds} s).`);
    if (outcome.hint) lines.push(`Hint: ${outcome.hint}`);
  }
  return lines;
}

/** What `hint` shows. */
export function hintLines(outcome: HintOutcome): string[] {
  const lines: string[] = [];
  if (outcome.hint) lines.push(`Hint ${outcome.hint.tier}/${outcome.hint.tiers} for "${outcome.hint.goalText}": ${outcome.hint.text}`);
  else if (outcome.none === 'passed') lines.push('Every goal is met: no hint needed.');
  else lines.push('No more hints for this goal.');
  if (outcome.solutionFile) lines.push(`The solution, to compare notes: ${outcome.solutionFile} (yours is untouched)`);
  return lines;
}
