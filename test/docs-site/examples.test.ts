import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCodeBlocks } from '../../src/tutor/code-blocks';
import { launchBrowser } from '../browser/launch';
import { REPO_ROOT } from '../helpers/child-process';
import { blankOutput } from '../lessons/blank-output';
import { openLesson, runBlock, siteLessons } from './lesson-driver';
import { serveWithPython } from './site-server';
import type { SiteServer } from './site-server';

// Every runnable example of every lesson, run in the page against the page's sandbox, prints
// what its README's output block shows (the terminal's output, checked by the curriculum
// tests), after the same blanking. The one difference: the page's sandbox cannot start TLS, so
// a CAPA listing has no STLS line (RFC 2595 §4), which the page says beside such a block.
const withoutStls = (text: string): string => text.replace(/^STLS\n/gm, '');
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

const lessons = siteLessons().filter((l) => l.runnable);

describe('README examples run in the page', () => {
  for (const lesson of lessons) {
    const { blocks } = parseCodeBlocks(readFileSync(path.join(REPO_ROOT, 'lessons', lesson.id, 'README.md'), 'utf8'));
    const runnable = blocks.map((block, index) => ({ block, index })).filter(({ block }) => block.mode !== 'norun');
    if (runnable.length === 0) continue;
    it(`${lesson.id}: every example prints what its README shows`, async () => {
      const watched = await openLesson(browser, server, lesson.id);
      try {
        for (const { block, index } of runnable) {
          const printed = await runBlock(watched.page, index);
          expect(blankOutput(printed), `${lesson.id}/README.md:${block.start + 1}`).toBe(withoutStls(block.output?.text ?? ''));
        }
        expect(watched.errors).toEqual([]);
        expect(watched.foreignRequests).toEqual([]);
      } finally {
        await watched.close();
      }
    }, 180_000);
  }
});
