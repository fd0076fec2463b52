/**
 * A lesson's web page, written from its README.md and its lesson.ts (no second copy of any
 * lesson text): the prose as it is, each ```ts and ```pop3 block wrapped in a runnable
 * component with its output block, twoslash on the ```ts blocks, and the data the page's
 * runtime needs (blocks, goals, hints) in the front matter.
 */
import type { CodeBlock } from '../../src/tutor/code-blocks';
import type { LessonStartState } from '../../src/tutor/lesson';
import { inputLines, parseCodeBlocks } from '../../src/tutor/code-blocks';
import type { TerminalOnly } from './terminal-only';
import type { ScopeDeclaration } from './twoslash-source';
import { twoslashSource } from './twoslash-source';

/** One goal as the page shows it: its text and hints already rendered to HTML. */
export interface PageGoal {
  id: string;
  html: string;
  hints: string[];
}

/** A block of the page, as the runtime runs it. */
export interface PageBlock {
  language: 'ts' | 'pop3';
  mode: 'run' | 'fails' | 'norun';
  /** The block's text, as in the README. */
  code: string;
  /** REPL input lines (blank lines and whole-line comments skipped), what Run sends. */
  input: string[];
  /** The README's output block, when there is one (curriculum-tested, blanked). */
  output?: string;
}

/** What the page's runtime reads from the front matter. */
export interface LessonPageData {
  id: string;
  number: number;
  title: string;
  blocks: PageBlock[];
  goals: PageGoal[];
  /** Each common mistake's hint, rendered to HTML, by mistake id. */
  mistakes: Record<string, string>;
  /** What only the terminal can run here, and why (scripts/docs/terminal-only.ts). */
  terminalOnly: TerminalOnly;
  /** The sandbox state the lesson starts from (mailboxes, faults). */
  start?: LessonStartState;
  /** The lesson's solution, as REPL lines (for "compare notes" once the goals are met). */
  solution: string[];
}

/** Everything the page is made from. */
export interface LessonPageInput {
  id: string;
  number: number;
  title: string;
  markdown: string;
  goals: PageGoal[];
  mistakes: Record<string, string>;
  solution: readonly string[];
  scope: readonly ScopeDeclaration[];
  terminalOnly: TerminalOnly;
  start?: LessonStartState;
  /** Whether twoslash checks the ```ts blocks (always, but for unit tests of the layout). */
  twoslash?: boolean;
}

/** The terminal command that opens a lesson in the playground. */
export function terminalCommand(number: number): string {
  return `npm start, then .lesson ${number}`;
}

function fence(info: string, body: string): string[] {
  let ticks = 3;
  for (const m of body.matchAll(/^ {0,3}(`{3,})/gm)) ticks = Math.max(ticks, (m[1]?.length ?? 0) + 1);
  const marks = '`'.repeat(ticks);
  return [`${marks}${info}`, body, marks];
}

function blockMarkup(block: CodeBlock, index: number, blocks: readonly CodeBlock[], input: LessonPageInput): string[] {
  const code = block.lines.join('\n');
  const runnable = block.mode !== 'norun' && input.terminalOnly.blocks === undefined;
  const highlighted =
    block.language === 'ts' && block.mode !== 'norun' && input.twoslash !== false
      ? fence('ts twoslash', twoslashSource(blocks, index, input.scope))
      : fence(block.language, code);
  const expected = block.output ? ['<template #expected>', '', ...fence('output', block.output.text), '', '</template>'] : [];
  return [`<RunBlock :index="${index}" :runnable="${runnable}">`, '', ...highlighted, '', ...expected, '</RunBlock>'];
}

/** The page data for the front matter. */
export function lessonPageData(input: LessonPageInput): LessonPageData {
  const { blocks } = parseCodeBlocks(input.markdown);
  return {
    id: input.id,
    number: input.number,
    title: input.title,
    blocks: blocks.map((b) => ({
      language: b.language,
      mode: b.mode,
      code: b.lines.join('\n'),
      input: inputLines(b),
      ...(b.output ? { output: b.output.text } : {}),
    })),
    goals: input.goals,
    mistakes: input.mistakes,
    solution: [...input.solution],
    terminalOnly: input.terminalOnly,
    ...(input.start ? { start: input.start } : {}),
  };
}

/**
 * The page's markdown: front matter with the runtime's data, the README with its code blocks
 * (and their output blocks) in runnable components, the lesson bar under the title and the
 * goals, raw mode and progress at the end.
 */
export function lessonPage(input: LessonPageInput): string {
  const lines = input.markdown.split('\n');
  const { blocks } = parseCodeBlocks(input.markdown);
  const out: string[] = [];
  let next = 0;
  for (const [index, block] of blocks.entries()) {
    out.push(...lines.slice(next, block.start), ...blockMarkup(block, index, blocks, input));
    next = (block.output ?? block).end + 1;
  }
  out.push(...lines.slice(next));
  // The lesson bar goes under the README's title (a level-1 heading before any block).
  const firstBlock = blocks[0]?.start ?? lines.length;
  const title = lines.slice(0, firstBlock).findIndex((l) => /^# /.test(l));
  if (title >= 0) out.splice(title + 1, 0, '', '<LessonBar />');
  else out.unshift(`# ${input.title}`, '', '<LessonBar />', '');
  const data = lessonPageData(input);
  const front = ['---', `title: ${JSON.stringify(`${input.number}. ${input.title}`)}`, `lesson: ${JSON.stringify(data)}`, 'outline: [2, 3]', '---', ''];
  const goals = input.goals.length > 0 ? ['', '## Goals', '', '<LessonGoals />'] : [];
  const tail = [...goals, '', '## Your turn', '', '<LessonPrompt />', ''];
  return [...front, ...out, ...tail].join('\n');
}
