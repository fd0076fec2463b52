import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openWatchedPage } from '../browser/launch';
import { siteLessons } from './lesson-driver';
import { serveWithPreview, serveWithPython, siteBase } from './site-server';
import type { SiteServer } from './site-server';

// The static build works from any static server under the base path it was built for, and a
// page asks nothing of another origin: fonts, scripts and styles are all in the build.
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const pages = (): string[] => ['', 'lessons/', ...siteLessons().map((l) => `lessons/${l.id}.html`), 'api/'];

describe.each([
  ['python3 -m http.server', serveWithPython],
  ['vitepress preview', serveWithPreview],
])('the built site served by %s under %s', (_name, serve) => {
  let server: SiteServer;
  beforeAll(async () => {
    server = await serve();
  });
  afterAll(async () => {
    await server?.close();
  });

  it(`loads every page under ${siteBase()} with no console error and no request to another origin`, async () => {
    const watched = await openWatchedPage(browser, server.origin);
    try {
      for (const page of pages()) {
        const response = await watched.page.goto(`${server.root}${page}`, { waitUntil: 'networkidle' });
        expect(response?.status(), page).toBe(200);
        expect(await watched.page.locator('h1').first().textContent(), page).toBeTruthy();
      }
      expect(watched.errors).toEqual([]);
      expect(watched.foreignRequests).toEqual([]);
    } finally {
      await watched.close();
    }
  });
});

describe('the lesson pages', () => {
  let server: SiteServer;
  beforeAll(async () => {
    server = await serveWithPython();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('show type information on hover, name the terminal command, and find lessons with the local search', async () => {
    const watched = await openWatchedPage(browser, server.origin);
    try {
      const { page } = watched;
      await page.goto(`${server.root}lessons/03-apop-and-rpop.html`, { waitUntil: 'networkidle' });
      expect(await page.locator('.lesson-terminal').textContent()).toContain('npm start, then .lesson 3');
      const hover = page.locator('.run-block[data-block="1"] .twoslash-hover', { hasText: /^pop$/ }).first();
      await hover.hover();
      await expect.poll(() => page.locator('.v-popper__popper--shown').first().textContent()).toContain('Pop3Client');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.locator('#localsearch-input').fill('RPOP');
      await expect.poll(() => page.locator('#localsearch-list').textContent()).toContain('RPOP');
      expect(watched.errors).toEqual([]);
    } finally {
      await watched.close();
    }
  });
});
