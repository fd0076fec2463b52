import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLessons } from '../../src/tutor/node';
import { solutionLines } from '../../src/tutor';
import * as path from 'node:path';
import { launchBrowser } from '../browser/launch';
import { REPO_ROOT } from '../helpers/child-process';
import { goals, openLesson, promptLine, siteLessons } from './lesson-driver';
import { serveWithPython } from './site-server';
import type { SiteServer } from './site-server';

// Each lesson's solution, typed at the page's prompt (dot-commands included), ticks every goal,
// judged by the same tutor code as the terminal. Lesson 10 (TLS) can only be met in the
// terminal: the page says so and ticks nothing.
const TERMINAL_ONLY = new Set(['10-tls']);

let browser: Browser;
let server: SiteServer;
beforeAll(async () => {
  browser = await launchBrowser();
  server = await serveWithPython();
});
afterAll(async () => {
  await server?.close();
  await browser?.close();
});

describe('lesson solutions in the page', async () => {
  const { lessons } = await loadLessons(path.join(REPO_ROOT, 'lessons'));
  const withGoals = lessons.filter((l) => (l.definition.goals ?? []).length > 0);
  expect(siteLessons().map((l) => l.id)).toEqual(lessons.map((l) => l.id));

  for (const lesson of withGoals.filter((l) => !TERMINAL_ONLY.has(l.id))) {
    it(`${lesson.id}: the solution ticks every goal`, async () => {
      const watched = await openLesson(browser, server, lesson.id);
      try {
        expect(Object.values(await goals(watched.page)).every((met) => !met), 'no goal met before trying').toBe(true);
        for (const line of solutionLines(lesson.definition)) await promptLine(watched.page, line);
        const ids = (lesson.definition.goals ?? []).map((g) => g.id);
        await expect.poll(() => goals(watched.page), { timeout: 10_000 }).toEqual(Object.fromEntries(ids.map((id) => [id, true])));
        expect(watched.errors).toEqual([]);
      } finally {
        await watched.close();
      }
    }, 180_000);
  }

  for (const id of TERMINAL_ONLY) {
    it(`${id}: the goals are marked as the terminal's, with the command that opens the lesson there`, async () => {
      const watched = await openLesson(browser, server, id);
      try {
        const note = watched.page.locator('.lesson-goals .terminal-only');
        expect(await note.textContent()).toMatch(/npm start, then \.lesson \d+/);
        expect(Object.values(await goals(watched.page)).some((met) => met)).toBe(false);
        expect(await watched.page.locator('.lesson-goals button', { hasText: 'Hint' }).count()).toBe(0);
      } finally {
        await watched.close();
      }
    });
  }
});
