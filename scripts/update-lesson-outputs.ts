/**
 * Runs every lesson's README code blocks in a fresh REPL and sandbox, and writes what each
 * block printed into the ```output block right after it (docs/lesson-format.md, "Code blocks").
 * Run it when the seed, the client or the REPL's printing changes:
 *
 *   node -r ./src/register.js scripts/update-lesson-outputs.ts [lesson ...] [--check]
 *
 * A lesson may be named by number or folder name; without names, every lesson runs. With
 * --check nothing is written: the command lists the outputs that differ and exits 1 if any do.
 * A lesson whose blocks do not behave as marked (a block that errs, a `fails` block that
 * succeeds) is reported and left unwritten, since its output would document a broken example.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadLessons } from '../src/tutor/node';
import type { Lesson } from '../src/tutor';
import { writeOutputBlocks } from '../src/tutor/code-blocks';
import type { CodeBlock } from '../src/tutor/code-blocks';
import { blockOutcomeOk, describeBlock, runLessonBlocks } from '../test/lessons/code-block-runner';

const ROOT = path.join(__dirname, '..');

async function main(argv: string[]): Promise<number> {
  const check = argv.includes('--check');
  const names = argv.filter((a) => a !== '--check');
  const loaded = await loadLessons(path.join(ROOT, 'lessons'));
  for (const problem of loaded.problems) process.stderr.write(`not loaded: ${problem.path}: ${problem.reason}\n`);
  const chosen = names.length === 0 ? loaded.lessons : names.map((name) => findLesson(loaded.lessons, name));
  let problems = 0;
  let changed = 0;
  for (const lesson of chosen) {
    const started = Date.now();
    const result = await runLessonBlocks(lesson);
    const broken = result.runs.filter((r) => !blockOutcomeOk(r));
    for (const run of broken) {
      problems++;
      const expected = run.block.mode === 'fails' ? 'should fail but succeeded' : 'raised an error';
      process.stderr.write(`${describeBlock(lesson, run.block)} ${expected}:\n${indent(run.lines.map((l) => `> ${l.line}\n${l.printed}`).join(''))}\n`);
    }
    for (const stray of result.parsed.strayOutputs) {
      problems++;
      process.stderr.write(`${lesson.id}/README.md:${stray.start + 1}: an output block with no code block right before it\n`);
    }
    const outputs = new Map<CodeBlock, string | undefined>();
    const differing: string[] = [];
    for (const run of result.runs) {
      if ((run.block.output?.text ?? '') === run.output) continue;
      outputs.set(run.block, run.output);
      differing.push(describeBlock(lesson, run.block));
    }
    const took = `${Date.now() - started} ms${result.typeChecked ? ', type-checked' : ''}`;
    if (differing.length === 0) {
      process.stdout.write(`${lesson.id}: outputs up to date (${result.runs.length} blocks, ${took})\n`);
      continue;
    }
    if (check) {
      problems++;
      for (const d of differing) process.stdout.write(`${d}: output differs\n`);
      continue;
    }
    if (broken.length > 0) {
      process.stdout.write(`${lesson.id}: not written (${broken.length} block(s) misbehave)\n`);
      continue;
    }
    const readme = path.join(lesson.dir, 'README.md');
    const current = readFileSync(readme, 'utf8');
    if (current !== lesson.markdown) {
      process.stderr.write(`${lesson.id}: README.md changed while the blocks ran; run again\n`);
      problems++;
      continue;
    }
    writeFileSync(readme, writeOutputBlocks(current, outputs));
    changed += differing.length;
    process.stdout.write(`${lesson.id}: ${differing.length} output block(s) written (${took})\n`);
  }
  if (!check) process.stdout.write(`${changed} output block(s) written.\n`);
  return problems > 0 ? 1 : 0;
}

function findLesson(lessons: readonly Lesson[], name: string): Lesson {
  const lesson = /^\d+$/.test(name) ? lessons.find((l) => l.number === Number(name)) : lessons.find((l) => l.id === name);
  if (!lesson) throw new Error(`no lesson ${JSON.stringify(name)}; known: ${lessons.map((l) => l.id).join(', ')}`);
  return lesson;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : `    ${l}`))
    .join('\n');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  },
);
