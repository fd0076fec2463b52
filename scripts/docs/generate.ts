/**
 * Writes the docs site's generated pages from the sources they document: one page per lesson
 * from lessons/<id>/README.md and lesson.ts, the lesson index, and the client's API reference
 * (typedoc over src/client). Run before `vitepress dev` and `vitepress build` (npm run docs,
 * npm run docs:build); the output is not committed.
 *
 *   node -r ./src/register.js scripts/docs/generate.ts [--no-api] [--dev]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import { loadLessons } from '../../src/tutor/node';
import { solutionLines } from '../../src/tutor';
import type { Lesson } from '../../src/tutor';
import { lessonPage, lessonPageData } from './lesson-page';
import type { LessonPageInput } from './lesson-page';
import { buildRuntime } from './build-runtime';
import { SITE_DIR, LESSON_PAGES_DIR, NAV_FILE, REPO_ROOT } from './paths';
import { terminalOnly } from './terminal-only';
import { scopeDeclarations } from './twoslash-source';
import type { ScopeDeclaration } from './twoslash-source';
import { SANDBOX_SCOPE_TYPE } from '../../src/repl/target';

const markdown = new MarkdownIt({ html: false, linkify: false });
const inline = (md: string): string => markdown.renderInline(md);

/** A lesson scope entry as the checker declares it. */
function lessonScope(lesson: Lesson): ScopeDeclaration[] {
  return (lesson.definition.scope ?? []).map((entry) => {
    const named = entry as { name: string; type?: string; clientExport?: string };
    return named.clientExport !== undefined ? { name: named.name, clientExport: named.clientExport } : { name: named.name, type: named.type ?? 'unknown' };
  });
}

/** What the page of a lesson is made from. */
export function pageInput(lesson: Lesson): LessonPageInput {
  const definition = lesson.definition;
  return {
    id: lesson.id,
    number: lesson.number,
    title: definition.title,
    markdown: lesson.markdown,
    goals: (definition.goals ?? []).map((g) => ({ id: g.id, html: inline(g.text), hints: (g.hints ?? []).map((h) => markdown.render(h)) })),
    mistakes: Object.fromEntries((definition.mistakes ?? []).map((m) => [m.id, inline(m.hint)])),
    solution: solutionLines(definition),
    scope: scopeDeclarations(SANDBOX_SCOPE_TYPE, lessonScope(lesson)),
    terminalOnly: terminalOnly(lesson.id),
    ...(definition.start ? { start: definition.start } : {}),
  };
}

/** The lesson list page, from the manifest's order and each lesson's summary. */
function lessonIndex(lessons: readonly Lesson[]): string {
  const rows = lessons.map((l) => `| ${l.number} | [${l.definition.title}](./${l.id}) | ${l.definition.summary ?? ''} |`);
  return [
    '---',
    'title: Lessons',
    '---',
    '',
    '# Lessons',
    '',
    'Every lesson of the terminal playground, with its examples running in this page against a',
    'sandbox POP3 server in your browser. In the terminal, `npm start` opens the same lessons.',
    '',
    '| # | Lesson | What it covers |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** Writes the lesson pages, their index and the sidebar data. */
export async function writeLessonPages(): Promise<Lesson[]> {
  const { lessons, problems } = await loadLessons(path.join(REPO_ROOT, 'lessons'));
  if (problems.length > 0) throw new Error(`lessons that do not load:\n${problems.map((p) => `  ${p.path}: ${p.reason}`).join('\n')}`);
  rmSync(LESSON_PAGES_DIR, { recursive: true, force: true });
  mkdirSync(LESSON_PAGES_DIR, { recursive: true });
  for (const lesson of lessons) writeFileSync(path.join(LESSON_PAGES_DIR, `${lesson.id}.md`), lessonPage(pageInput(lesson)));
  writeFileSync(path.join(LESSON_PAGES_DIR, 'index.md'), lessonIndex(lessons));
  const nav = lessons.map((l) => ({ id: l.id, number: l.number, title: l.definition.title, runnable: !lessonPageData(pageInput(l)).terminalOnly.blocks }));
  writeFileSync(NAV_FILE, `${JSON.stringify(nav, null, 2)}\n`);
  return lessons;
}

/** Writes the client's API reference with typedoc and typedoc-plugin-markdown (site/typedoc.json). */
export function writeApiPages(): void {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--options', path.join(SITE_DIR, 'typedoc.json')], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // typedoc-plugin-markdown writes README.md as the entry; VitePress serves index.md as the folder.
  const files = readdirSync(path.join(SITE_DIR, 'api'));
  if (!files.includes('index.md')) throw new Error('typedoc wrote no site/api/index.md');
}

async function main(): Promise<void> {
  const started = Date.now();
  const lessons = await writeLessonPages();
  await buildRuntime({ dev: process.argv.includes('--dev') });
  if (!process.argv.includes('--no-api')) writeApiPages();
  console.log(`docs: ${lessons.length} lesson pages${process.argv.includes('--no-api') ? '' : ' and the API reference'} in ${Date.now() - started} ms`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
