/**
 * The docs site's figures: build time, the JavaScript a lesson page loads before its first
 * Run (gzip), the time from a click on Run to the result (cold: the page's first Run, which
 * starts both workers; warm: the next), and the same example in the terminal playground
 * beside it. Prints figures and targets; never fails on time (DESIGN.md, Benchmarks).
 *
 *   node -r ./src/register.js bench/docs.ts [--no-build] [--runs 5]
 *
 * Targets: lesson page JS before the first Run at most 300 KB gzip; first Run result within
 * 1.5 s cold and 100 ms warm.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openWatchedPage } from '../test/browser/launch';
import { printedSoFar, REPO_ROOT, startProgram, waitForExit, waitForOutput } from '../test/helpers/child-process';
import { serveWithPython } from '../test/docs-site/site-server';
import type { SiteServer } from '../test/docs-site/site-server';

const { values } = parseArgs({ options: { 'no-build': { type: 'boolean', default: false }, runs: { type: 'string', default: '5' } } });
const RUNS = Number(values.runs);
const BASE = process.env.DOCS_BASE ?? '/pop3-playground/';
const LESSON = '01-first-contact';
/** The example timed in both places: lesson 1's first block, its client named `name` (a REPL cannot declare a const twice). */
const example = (name = 'pop'): string[] => [`const ${name} = await connect(sandbox)`, `${name}.greeting`, `await ${name}.quit()`];
/** What a run of the example prints last: proof it ran, not failed fast. */
const RAN = /signing off/;

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const ms = (value: number): string => `${value.toFixed(0).padStart(6)} ms`;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1).padStart(7)} KB`;
const target = (ok: boolean, text: string): string => `${text} ${ok ? '(met)' : '(MISSED)'}`;

function timed(run: () => void): number {
  const t0 = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Builds the site as CI does, timing the generator (pages, API reference, workers) and VitePress apart. */
function build(): { generate: number; vitepress: number } {
  const env = { ...process.env, DOCS_BASE: BASE };
  const generate = timed(() => execFileSync(process.execPath, ['-r', './src/register.js', 'scripts/docs/generate.ts'], { cwd: REPO_ROOT, env, stdio: 'ignore' }));
  const vitepress = timed(() => execFileSync(process.execPath, ['node_modules/vitepress/bin/vitepress.js', 'build', 'site'], { cwd: REPO_ROOT, env, stdio: 'ignore' }));
  return { generate, vitepress };
}

/** The JavaScript a page loads until the network is idle, gzip-compressed (as a server sends it). */
async function pageJs(browser: Browser, url: string): Promise<{ gzip: number; files: number }> {
  const watched = await openWatchedPage(browser, new URL(url).origin);
  const scripts: Promise<number>[] = [];
  watched.page.on('response', (response) => {
    if (response.request().resourceType() === 'script') scripts.push(response.body().then((body) => gzipSync(body).length));
  });
  await watched.page.goto(url, { waitUntil: 'networkidle' });
  const sizes = await Promise.all(scripts);
  await watched.close();
  return { gzip: sizes.reduce((a, b) => a + b, 0), files: sizes.length };
}

/** Milliseconds from a click on Run to the block's result on screen. @throws when the run did not print what the example prints. */
async function clickToResult(page: Page, index: number): Promise<number> {
  const took = await timedClick(page, index);
  const printed = (await page.locator(`.run-block[data-block="${index}"] [data-testid="output"]`).textContent()) ?? '';
  if (!RAN.test(printed) || printed.includes('✘')) throw new Error(`the example did not run as in the README:\n${printed}`);
  return took;
}

async function timedClick(page: Page, index: number): Promise<number> {
  const block = page.locator(`.run-block[data-block="${index}"]`);
  const before = Number((await block.getAttribute('data-runs')) ?? '0');
  // Timed in the page: the click and the result's arrival on one clock, no round trip to here.
  const measure = `new Promise((resolve) => {
    const root = document.querySelector('.run-block[data-block="${index}"]');
    const t0 = performance.now();
    const observer = new MutationObserver(() => {
      if (Number(root.dataset.runs || '0') > ${before}) { observer.disconnect(); resolve(performance.now() - t0); }
    });
    observer.observe(root, { attributes: true, subtree: true, childList: true });
    root.querySelector('button.run-button').click();
  })`;
  return Number(await page.evaluate(measure));
}

/** Cold (the page's first Run) and warm (the same block again) Run times, each in a fresh page for cold. */
async function pageRuns(browser: Browser, server: SiteServer): Promise<{ cold: number[]; warm: number[]; runtimeGzip: number }> {
  const cold: number[] = [];
  const warm: number[] = [];
  let runtimeGzip = 0;
  for (let i = 0; i < RUNS; i++) {
    const watched = await openWatchedPage(browser, server.origin);
    const { page } = watched;
    await page.goto(`${server.root}lessons/${LESSON}.html`, { waitUntil: 'networkidle' });
    const sizes: Promise<number>[] = [];
    page.context().on('response', (response) => {
      if (/\.js$/.test(new URL(response.url()).pathname)) sizes.push(response.body().then((b) => gzipSync(b).length).catch(() => 0));
    });
    cold.push(await clickToResult(page, 0));
    if (i === 0) runtimeGzip = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
    // Warm: the same example, edited to a fresh name, in the scope and workers already running.
    const block = page.locator('.run-block[data-block="0"]');
    await block.getByRole('button', { name: 'Edit' }).click();
    for (let j = 0; j < 3; j++) {
      await block.locator('textarea').fill(example(`pop${j}`).join('\n'));
      warm.push(await clickToResult(page, 0));
    }
    await watched.close();
  }
  return { cold, warm, runtimeGzip };
}

/** The same example in the terminal playground: from process start, and once the prompt is warm. */
async function terminalRuns(fast: boolean): Promise<{ cold: number[]; warm: number[] }> {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < Math.max(1, Math.ceil(RUNS / 2)); i++) {
    const t0 = process.hrtime.bigint();
    const args = ['-r', './src/register.js', 'src/cli.ts', '--state-dir', mkdtempSync(path.join(os.tmpdir(), 'pg-bench-')), '--no-history', ...(fast ? ['--fast'] : [])];
    const child = startProgram(process.execPath, args, { env: { ...process.env, NO_COLOR: '1', NODE_NO_READLINE: '1' }, stdin: 'pipe' });
    await waitForOutput(child, /Goals:[\s\S]*\n> $/, 0, 60_000);
    const run = async (name: string): Promise<number> => {
      const from = printedSoFar(child).length;
      const started = process.hrtime.bigint();
      for (const line of example(name)) {
        const since = printedSoFar(child).length;
        child.stdin?.write(`${line}\n`);
        await waitForOutput(child, /\n> $/, since, 60_000);
      }
      const took = Number(process.hrtime.bigint() - started) / 1e6;
      const mine = printedSoFar(child).slice(from);
      // Goal lines (indented ✘) may follow; an error line starts with ✘.
      if (!RAN.test(mine) || /^✘/m.test(mine)) throw new Error(`the example did not run in the terminal:\n${mine}`);
      return took;
    };
    await run('pop');
    cold.push(Number(process.hrtime.bigint() - t0) / 1e6);
    for (let j = 0; j < 3; j++) warm.push(await run(`pop${j}`));
    child.stdin?.end();
    await waitForExit(child);
  }
  return { cold, warm };
}

async function main(): Promise<void> {
  process.stdout.write(`Docs site (node ${process.version}, ${os.cpus().length} cores, Chromium headless, median of ${RUNS} runs, base ${BASE})\n\n`);
  if (!values['no-build']) {
    const times = build();
    process.stdout.write('Build (npm run docs:build)\n');
    process.stdout.write(`  pages, API reference, workers ${ms(times.generate)}\n`);
    process.stdout.write(`  vitepress build (twoslash)    ${ms(times.vitepress)}\n`);
    process.stdout.write(`  total                         ${ms(times.generate + times.vitepress)}\n\n`);
  }
  process.env.DOCS_BASE = BASE;
  const browser = await launchBrowser();
  const server = await serveWithPython();
  try {
    const lesson = await pageJs(browser, `${server.root}lessons/${LESSON}.html`);
    const bare = await pageJs(browser, `${server.root}lessons/`);
    process.stdout.write('JavaScript before the first Run (gzip)\n');
    process.stdout.write(`  lesson page (${LESSON})   ${kb(lesson.gzip)} in ${lesson.files} files   ${target(lesson.gzip <= 300 * 1024, 'target 300 KB')}\n`);
    process.stdout.write(`  lesson index (no runtime)     ${kb(bare.gzip)} in ${bare.files} files   ${(lesson.gzip / bare.gzip).toFixed(2)}x\n\n`);

    const page = await pageRuns(browser, server);
    const terminalFast = await terminalRuns(true);
    const terminalChecked = await terminalRuns(false);
    const cold = median(page.cold);
    const warm = median(page.warm);
    process.stdout.write(`Lesson 1's first example (${example().length} lines), click to result\n`);
    process.stdout.write(`  page, cold (first Run: workers, sandbox, seed)  ${ms(cold)}   ${target(cold <= 1500, 'target 1.5 s')}\n`);
    process.stdout.write(`  page, warm                                      ${ms(warm)}   ${target(warm <= 100, 'target 100 ms')}\n`);
    process.stdout.write(`  loaded at the first Run (gzip)                  ${kb(page.runtimeGzip)}\n`);
    process.stdout.write('Same example in the terminal playground (npm start, piped)\n');
    process.stdout.write(`  --fast, from process start                      ${ms(median(terminalFast.cold))}\n`);
    process.stdout.write(`  --fast, warm                                    ${ms(median(terminalFast.warm))}   page warm ${(warm / median(terminalFast.warm)).toFixed(2)}x\n`);
    process.stdout.write(`  type-checked, from process start                ${ms(median(terminalChecked.cold))}\n`);
    process.stdout.write(`  type-checked, warm                              ${ms(median(terminalChecked.warm))}\n`);
  } finally {
    await server.close();
    await browser.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
