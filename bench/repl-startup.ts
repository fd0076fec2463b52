/**
 * REPL latency: time from process start to the first prompt (lesson shown), and the
 * round trip per evaluated line, type-checked and with --fast, each beside bare `node -i`
 * measured in the same run; then start-up as a learner meets it: `npm start` spawned in a
 * pseudo-terminal until `> ` follows the goals, with empty caches and warm, beside `node -i`
 * spawned the same way, and the first line typed 100 ms after that prompt (its answer, and
 * when its type error is told).
 * Prints figures and ratios; never fails on time.
 *
 *   node -r ./src/register.js bench/repl-startup.ts [--runs 5] [--lines 40]
 *
 * Targets: first prompt within 500 ms; --fast under 5 ms a line; type-checked under 30 ms a
 * line after warm-up; in a terminal, no more than 10% over ~0.9 s (empty caches) and ~0.7 s
 * (warm), and the first typed line answered within 300 ms.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { printedSoFar, startProgram, waitForExit, waitForOutput } from '../test/helpers/child-process';
import { emptyCaches, startInPty } from './lib/pty-startup';
import type { PtyStart } from './lib/pty-startup';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, lines: { type: 'string', default: '40' } } });
const RUNS = Number(values.runs);
const LINES = Number(values.lines);
const WARMUP_LINES = 5;

/** A Node process in the repository root with a pipe on stdin, its output collected from the start. */
function start(args: string[]): ChildProcess {
  return startProgram(process.execPath, args, {
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, NODE_NO_READLINE: '1' },
    stdin: 'pipe',
  });
}

/** Ends the process's input, which ends its REPL, and waits for it to exit. */
async function finish(child: ChildProcess): Promise<void> {
  child.stdin?.end();
  await waitForExit(child);
}

const playgroundArgs = (fast: boolean): string[] => [
  '-r',
  './src/register.js',
  'src/cli.ts',
  '--state-dir',
  mkdtempSync(path.join(os.tmpdir(), 'pg-bench-')),
  '--no-history',
  ...(fast ? ['--fast'] : []),
];
const NODE_ARGS = ['-i'];
// The playground's first prompt comes after the lesson's goals; node's after nothing.
const PLAYGROUND_READY = /Goals:[\s\S]*\n> $/;
const NODE_READY = /> $/;

async function timeToPrompt(args: string[], ready: RegExp): Promise<number> {
  const t0 = process.hrtime.bigint();
  const child = start(args);
  await waitForOutput(child, ready, 0, 60_000);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await finish(child);
  return ms;
}

/** Mean ms per line: send a line, wait for the next prompt, repeat. */
async function perLine(args: string[], ready: RegExp): Promise<{ first: number; perLine: number }> {
  const child = start(args);
  await waitForOutput(child, ready, 0, 60_000);
  const roundTrip = async (line: string): Promise<number> => {
    const since = printedSoFar(child).length;
    const t0 = process.hrtime.bigint();
    child.stdin?.write(`${line}\n`);
    await waitForOutput(child, /\n> $|^> $/, since, 60_000);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const first = await roundTrip('let v0 = 0');
  for (let i = 1; i < WARMUP_LINES; i++) await roundTrip(`let v${i} = v${i - 1} + 1`);
  let total = 0;
  for (let i = WARMUP_LINES; i < WARMUP_LINES + LINES; i++) {
    total += await roundTrip(i % 2 === 0 ? `let v${i} = v${i - 1} + 1` : `v${i - 1} * 2`);
    if (i % 2 === 1) await roundTrip(`let v${i} = v${i - 1}`);
  }
  await finish(child);
  return { first, perLine: total / LINES };
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};
const loadAverage = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const fmt = (ms: number): string => `${ms.toFixed(1).padStart(7)} ms`;
const ratio = (a: number, b: number): string => `${(a / b).toFixed(1)}x node -i`;

async function main(): Promise<void> {
  process.stdout.write(`REPL startup and per-line latency (node ${process.version}, ${os.cpus().length} cores, load average ${loadAverage()}, median of ${RUNS} runs, ${LINES} lines)\n\n`);

  const nodeStart: number[] = [];
  const fastStart: number[] = [];
  const checkedStart: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    nodeStart.push(await timeToPrompt(NODE_ARGS, NODE_READY));
    fastStart.push(await timeToPrompt(playgroundArgs(true), PLAYGROUND_READY));
    checkedStart.push(await timeToPrompt(playgroundArgs(false), PLAYGROUND_READY));
  }
  const n0 = median(nodeStart);
  const f0 = median(fastStart);
  const c0 = median(checkedStart);
  process.stdout.write('First prompt (process start to prompt, lesson shown), target 500 ms\n');
  process.stdout.write(`  node -i                  ${fmt(n0)}\n`);
  process.stdout.write(`  playground --fast        ${fmt(f0)}   ${ratio(f0, n0)}\n`);
  process.stdout.write(`  playground (type-checked)${fmt(c0)}   ${ratio(c0, n0)}\n\n`);

  inTerminal();

  const nodeLine: number[] = [];
  const fastLine: number[] = [];
  const checkedLine: number[] = [];
  const checkedFirst: number[] = [];
  for (let i = 0; i < Math.max(1, Math.ceil(RUNS / 2)); i++) {
    nodeLine.push((await perLine(NODE_ARGS, NODE_READY)).perLine);
    fastLine.push((await perLine(playgroundArgs(true), PLAYGROUND_READY)).perLine);
    const checked = await perLine(playgroundArgs(false), PLAYGROUND_READY);
    checkedLine.push(checked.perLine);
    checkedFirst.push(checked.first);
  }
  const n1 = median(nodeLine);
  const f1 = median(fastLine);
  const c1 = median(checkedLine);
  process.stdout.write('Per evaluated line, after warm-up (send a line, wait for the prompt)\n');
  process.stdout.write(`  node -i                  ${fmt(n1)}\n`);
  process.stdout.write(`  playground --fast        ${fmt(f1)}   ${ratio(f1, n1)}   (target 5 ms)\n`);
  process.stdout.write(`  playground (type-checked)${fmt(c1)}   ${ratio(c1, n1)}   (target 30 ms)\n`);
  process.stdout.write(`  type-checked first line  ${fmt(median(checkedFirst))}   (includes what warm-up had not finished)\n`);
}

interface PtyStartRow {
  prompt: number[];
  answer: number[];
  verdict: number[];
}
const add = (row: PtyStartRow, run: PtyStart): void => {
  row.prompt.push(run.prompt);
  if (run.answer !== undefined) row.answer.push(run.answer);
  if (run.verdict !== undefined) row.verdict.push(run.verdict);
};
// In a terminal the prompt is drawn with cursor movement: `> ` after the goals, raw bytes.
const PTY_READY = 'Goals:[\\s\\S]*> ';

/** `npm start` in a pty: empty caches, then warm, each beside `node -i` in the same round; the first typed line. */
function inTerminal(): void {
  const stateDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'pg-bench-'));
  const npmStart = (): string[] => ['npm', 'start', '--', '--state-dir', stateDir(), '--no-history'];
  // A line with a type error, typed as a quick learner would once the prompt shows: its answer
  // (it runs before the checker is ready) and then the checker's verdict, or the refusal alone.
  const typed = { line: 'const answer: string = 6 * 7; answer', answer: '42|TS2322', verdict: 'TS2322', pauseMs: 100 };
  const node: number[] = [];
  const empty: PtyStartRow = { prompt: [], answer: [], verdict: [] };
  const warm: PtyStartRow = { prompt: [], answer: [], verdict: [] };
  for (let i = 0; i < RUNS; i++) {
    emptyCaches();
    add(empty, startInPty(npmStart(), PTY_READY, typed));
    add(warm, startInPty(npmStart(), PTY_READY, typed));
    node.push(startInPty([process.execPath, '-i'], '> ').prompt);
  }
  const n = median(node);
  process.stdout.write(`In a terminal: spawn in a pty until \`> \` follows the goals (median of ${RUNS}, load average ${loadAverage()})\n`);
  process.stdout.write(`  node -i                  ${fmt(n)}\n`);
  process.stdout.write(`  npm start, empty caches  ${fmt(median(empty.prompt))}   ${ratio(median(empty.prompt), n)}   (reference ~900 ms)\n`);
  process.stdout.write(`  npm start, warm          ${fmt(median(warm.prompt))}   ${ratio(median(warm.prompt), n)}   (reference ~700 ms)\n`);
  process.stdout.write(`First line typed ${typed.pauseMs} ms after the prompt (type-checked mode), from Enter (target 300 ms to its answer)\n`);
  process.stdout.write(`  answered, empty caches   ${fmt(median(empty.answer))}\n`);
  process.stdout.write(`  answered, warm           ${fmt(median(warm.answer))}\n`);
  process.stdout.write(`  its type error told, empty caches ${fmt(median(empty.verdict))}\n`);
  process.stdout.write(`  its type error told, warm         ${fmt(median(warm.verdict))}\n\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
