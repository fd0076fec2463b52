/**
 * Drives a lesson page of the built site as a reader does: Run buttons, the editor, the prompt.
 * Waits on what the page shows (a block's run count, the prompt's pending lines), never sleeps.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { openWatchedPage } from '../browser/launch';
import type { WatchedPage } from '../browser/launch';
import { REPO_ROOT } from '../helpers/child-process';
import type { SiteServer } from './site-server';

/** A lesson of the site, as the sidebar lists it (site/.vitepress/lessons.json, written by the build). */
export interface SiteLesson {
  id: string;
  number: number;
  title: string;
  /** False when the page cannot run its examples (TLS). */
  runnable: boolean;
}

/** The lessons the built site has, in order. */
export function siteLessons(): SiteLesson[] {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, 'site', '.vitepress', 'lessons.json'), 'utf8')) as SiteLesson[];
}

/** How long one run may take: lesson 12's retries and timeouts take seconds on purpose. */
export const RUN_TIMEOUT_MS = 30_000;

/** Opens a lesson page in a fresh browser context (fresh localStorage) and waits for it to be interactive. */
export async function openLesson(browser: Browser, server: SiteServer, id: string): Promise<WatchedPage> {
  const watched = await openWatchedPage(browser, server.origin);
  await watched.page.goto(`${server.root}lessons/${id}.html`);
  // Interactive once Vue has mounted the page (the lesson bar then shows the browser's progress).
  await watched.page.locator('.lesson-bar[data-mounted="true"]').waitFor();
  return watched;
}

const block = (page: Page, index: number) => page.locator(`.run-block[data-block="${index}"]`);

/** Clicks Run on a block and waits for that run to finish; returns what it printed. */
export async function runBlock(page: Page, index: number): Promise<string> {
  const target = block(page, index);
  const before = Number((await target.getAttribute('data-runs')) ?? '0');
  await target.locator('button.run-button').click();
  await expect.poll(async () => Number((await target.getAttribute('data-runs')) ?? '0'), { timeout: RUN_TIMEOUT_MS }).toBeGreaterThan(before);
  return blockOutput(page, index);
}

/** What a block's last run printed. */
export async function blockOutput(page: Page, index: number): Promise<string> {
  const output = block(page, index).locator('[data-testid="output"]');
  return (await output.count()) === 0 ? '' : ((await output.textContent()) ?? '');
}

/** Types a line at the page's prompt, presses Enter, and waits until it has run. */
export async function promptLine(page: Page, line: string): Promise<void> {
  const input = page.locator('#lesson-prompt-input');
  await input.fill(line);
  await input.press('Enter');
  await expect.poll(() => page.locator('.lesson-prompt').getAttribute('data-pending'), { timeout: RUN_TIMEOUT_MS }).toBe('0');
}

/** The prompt's output so far. */
export async function promptOutput(page: Page): Promise<string> {
  return (await page.locator('[data-testid="prompt-output"]').textContent()) ?? '';
}

/** Each goal of the page and whether it shows as met. */
export async function goals(page: Page): Promise<Record<string, boolean>> {
  const items = page.locator('[data-testid="goals"] li');
  const result: Record<string, boolean> = {};
  for (const item of await items.all()) result[(await item.getAttribute('data-goal')) ?? ''] = (await item.getAttribute('data-met')) === 'true';
  return result;
}
