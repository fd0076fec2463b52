import { startEmbeddedTarget } from '../../src/cli';
import { inputLines, parseCodeBlocks } from '../../src/tutor/code-blocks';
import type { CodeBlock, ParsedLesson } from '../../src/tutor/code-blocks';
import type { Lesson } from '../../src/tutor';
import { blankOutput } from './blank-output';
import { startReplDriver } from './repl-driver';
import type { ReplDriver } from './repl-driver';

/** What one block did when it ran. */
export interface BlockRun {
  block: CodeBlock;
  /** True when some line raised an error (the REPL printed a `✘` line). */
  errored: boolean;
  /** True when, in a pop3 block, the server answered -ERR. */
  refused: boolean;
  /** What the block printed, blanked (docs/lesson-format.md): the text its output block must hold. */
  output: string;
  /** Each input line with what it printed, unblanked (for failure messages). */
  lines: { line: string; printed: string }[];
}

/** A lesson's blocks, run in order in one REPL. */
export interface LessonBlocksRun {
  lesson: Lesson;
  parsed: ParsedLesson;
  /** True when the run type-checked (needed when a `fails` block relies on a type error). */
  typeChecked: boolean;
  runs: BlockRun[];
}

/** A line the REPL prints for an error: `✘ message` at the start of a line (goal lines are indented). */
const ERROR_LINE = /^(✘ |A promise was rejected and nothing awaited it)/m;

/**
 * The lesson as the blocks see it: its prose, start state, scope and exercise, but no goals or
 * mistakes, so the output holds what the code printed and nothing about goals being met.
 */
export function withoutGoals(lesson: Lesson): Lesson {
  const { goals: _goals, mistakes: _mistakes, ...rest } = lesson.definition;
  return { ...lesson, definition: rest };
}

/** True when a block failed: an error, or in a pop3 block a -ERR reply too. */
export function blockFailed(run: BlockRun): boolean {
  return run.errored || (run.block.language === 'pop3' && run.refused);
}

/**
 * True when the block did what its info string says: a `fails` block failed; any other block
 * raised no error (a -ERR in a raw session is ordinary output there).
 */
export function blockOutcomeOk(run: BlockRun): boolean {
  return run.block.mode === 'fails' ? blockFailed(run) : !run.errored;
}

async function runBlock(driver: ReplDriver, block: CodeBlock): Promise<BlockRun> {
  const lines: BlockRun['lines'] = [];
  const send = async (line: string): Promise<string> => {
    const printed = await driver.run(line);
    lines.push({ line, printed });
    return printed;
  };
  let shown = '';
  let errored = false;
  let refused = false;
  if (block.language === 'ts') {
    for (const line of inputLines(block)) {
      const printed = await send(line);
      if (ERROR_LINE.test(printed)) errored = true;
      shown += printed;
    }
  } else {
    // A pop3 block is one raw session: `.raw`, the lines, then `.raw` again unless the server closed it.
    if (driver.prompt() !== 'pop3> ') {
      const printed = await send('.raw');
      if (ERROR_LINE.test(printed)) errored = true;
      shown += printed;
    }
    for (const line of inputLines(block)) {
      if (driver.prompt() !== 'pop3> ') {
        // The session ended early (QUIT, or the server hung up): the rest cannot be sent.
        errored = true;
        shown += `(not sent: the raw session had ended) ${line}\n`;
        continue;
      }
      const printed = await send(line);
      if (ERROR_LINE.test(printed)) errored = true;
      if (/^-ERR/m.test(printed)) refused = true;
      shown += `pop3> ${line}\n${printed}`;
    }
    if (driver.prompt() === 'pop3> ') await send('.raw');
  }
  return { block, errored, refused, output: blankOutput(shown), lines };
}

/** Options of {@link runLessonBlocks}. */
export interface RunBlocksOptions {
  /** Type-check from the start (default: only when a `fails` block did not fail without it). */
  typeCheck?: boolean;
}

/**
 * Runs a lesson's README blocks in order, in one fresh REPL with a fresh sandbox, at the
 * lesson's start state. Runs without type checking first; when a `fails` block then did not
 * fail (it relies on a type error), runs them all again with the checker.
 */
export async function runLessonBlocks(lesson: Lesson, options: RunBlocksOptions = {}): Promise<LessonBlocksRun> {
  const parsed = parseCodeBlocks(lesson.markdown);
  const typeCheck = options.typeCheck ?? false;
  const runnable = parsed.blocks.filter((b) => b.mode !== 'norun');
  if (runnable.length === 0) return { lesson, parsed, typeChecked: typeCheck, runs: [] };
  const embedded = await startEmbeddedTarget();
  const bare = withoutGoals(lesson);
  let driver: ReplDriver | undefined;
  const runs: BlockRun[] = [];
  try {
    driver = await startReplDriver({ embedded, lessons: [bare], startAt: bare, startDone: true, fast: !typeCheck });
    for (const block of runnable) runs.push(await runBlock(driver, block));
  } finally {
    await driver?.close();
    await embedded.close();
  }
  const result: LessonBlocksRun = { lesson, parsed, typeChecked: typeCheck, runs };
  if (!typeCheck && runs.some((r) => r.block.mode === 'fails' && !blockFailed(r))) return runLessonBlocks(lesson, { typeCheck: true });
  return result;
}

/** Describes a block for messages: its line in README.md and its first input line. */
export function describeBlock(lesson: Lesson, block: CodeBlock): string {
  return `${lesson.id}/README.md:${block.start + 1} \`\`\`${block.info} (${JSON.stringify(inputLines(block)[0] ?? '')})`;
}
