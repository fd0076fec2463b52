import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../browser/launch';
import { blockOutput, goals, openLesson, promptLine, promptOutput, runBlock } from './lesson-driver';
import { serveWithPython } from './site-server';
import type { SiteServer } from './site-server';

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

async function editBlock(page: Page, index: number, code: string): Promise<void> {
  const block = page.locator(`.run-block[data-block="${index}"]`);
  await block.getByRole('button', { name: 'Edit' }).click();
  await block.locator('textarea').fill(code);
}

describe('a lesson page in use', () => {
  it('shows the error of a broken edit: a syntax error, and a -ERR with its hint', async () => {
    const watched = await openLesson(browser, server, '04-stat-and-list');
    try {
      const { page } = watched;
      await editBlock(page, 1, 'let pop = await connect(sandbox)\nawait pop.user(\'alice\'\nawait pop.stat(');
      const printed = await runBlock(page, 1);
      expect(printed).toMatch(/^✘ SyntaxError: /m);
      // The broken block connected but never logged in: the server says so, and the page gives the hint.
      await editBlock(page, 2, 'await pop.list(99)');
      expect(await runBlock(page, 2)).toMatch(/^✘ The server answered LIST 99: -ERR .*\n  Hint: /m);
      expect(watched.errors).toEqual([]);
    } finally {
      await watched.close();
    }
  });

  it('stops an endless loop, keeps the mailboxes and the session log, and goes on with a fresh scope', async () => {
    const watched = await openLesson(browser, server, '08-dele-rset-quit');
    try {
      const { page } = watched;
      for (const line of ['const pop = await connect(sandbox)', "await pop.user('alice')", "(await pop.pass('wonderland')).text", 'await pop.dele(2)']) await promptLine(page, line);
      const count = (await promptOutput(page)).match(/alice's maildrop has (\d+) messages/)?.[1];
      expect(count).toBeDefined();
      expect((await goals(page))['drop-keeps']).toBe(false);
      await promptLine(page, 'while (true) {}');
      expect(await promptOutput(page)).toContain('✘ stopped after 5000 ms without a pause (an endless loop?)');
      await promptLine(page, 'typeof pop');
      expect(await promptOutput(page)).toMatch(/> typeof pop\n'undefined'\n$/);
      // The session holding the maildrop ended as a dropped connection: no UPDATE (RFC 1939 §6),
      // the lock is free, message 2 is still there, and the tutor, reading the session log that
      // outlived the loop, ticks "a dropped session keeps its marked messages".
      for (const line of ['const again = await connect(sandbox)', "await again.user('alice')", "await again.pass('wonderland')", 'await again.stat()']) await promptLine(page, line);
      expect((await promptOutput(page)).split('> const again')[1]).toContain(`{ count: ${count},`);
      await expect.poll(async () => (await goals(page))['drop-keeps']).toBe(true);
      expect(watched.errors).toEqual([]);
    } finally {
      await watched.close();
    }
  });

  it('shows the wire: C: and S: lines with CRLF, the terminating dot, the password masked', async () => {
    const watched = await openLesson(browser, server, '04-stat-and-list');
    try {
      await runBlock(watched.page, 0);
      const wire = (await watched.page.locator('.run-block[data-block="0"] [data-testid="wire"]').textContent()) ?? '';
      expect(wire).toContain('C: USER alice␍␊');
      expect(wire).toContain('C: PASS ***␍␊');
      expect(wire).not.toContain('wonderland');
      expect(wire).toMatch(/S: \+OK 5 messages \(7367 octets\)␍␊\n.*octets.*\nS: \.␍␊/);
    } finally {
      await watched.close();
    }
  });

  it('runs earlier blocks first, and Reset starts over from the lesson’s start', async () => {
    const watched = await openLesson(browser, server, '04-stat-and-list');
    try {
      const { page } = watched;
      // Block 3 needs `pop` from block 1 (and block 0 runs too): Run on it alone works.
      expect(await runBlock(page, 3)).toBe('7367\n');
      expect(await blockOutput(page, 1)).toContain('{ count: 5, size: 7367 }');
      await page.getByRole('button', { name: 'Reset' }).click();
      await expect.poll(() => blockOutput(page, 1)).toBe('');
      await promptLine(page, 'typeof pop');
      expect(await promptOutput(page)).toContain("'undefined'");
    } finally {
      await watched.close();
    }
  });

  it('works from the keyboard alone: Tab to Run, Enter, then the prompt', async () => {
    const watched = await openLesson(browser, server, '01-first-contact');
    try {
      const { page } = watched;
      const run = page.getByRole('button', { name: 'Run example 1' });
      const focused = (): Promise<unknown> => page.evaluate('document.activeElement?.getAttribute("aria-label")');
      for (let i = 0; i < 200 && (await focused()) !== 'Run example 1'; i++) await page.keyboard.press('Tab');
      expect(await focused()).toBe('Run example 1');
      await page.keyboard.press('Enter');
      await expect.poll(() => blockOutput(page, 0), { timeout: 30_000 }).toContain('signing off');
      await page.locator('#lesson-prompt-input').focus();
      await page.keyboard.type('.raw');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('.lesson-prompt').getAttribute('data-raw')).toBe('true');
      await page.keyboard.type('QUIT');
      await page.keyboard.press('Enter');
      await expect.poll(() => promptOutput(page)).toContain('Connection closed by the server.');
      expect(await goals(page)).toMatchObject({ 'raw-greeting': true, 'raw-quit': true, 'client-connect': true, 'client-quit': true });
    } finally {
      await watched.close();
    }
  });

  it('keeps progress in the browser, exports it as progress.json and imports it back', async () => {
    const watched = await openLesson(browser, server, '01-first-contact');
    try {
      const { page } = watched;
      for (const line of ['.raw', 'QUIT']) await promptLine(page, line);
      const download = page.waitForEvent('download');
      await page.locator('.goal-progress summary').click();
      await page.getByRole('button', { name: 'Export progress.json' }).click();
      const file = await (await download).path();
      const exported = JSON.parse(readFileSync(file, 'utf8'));
      expect(exported.formatVersion).toBe(2);
      expect(exported.lessons['01-first-contact'].goals['raw-quit'].met).toBe(true);
      // A terminal's file where lesson 2 is done merges in; lesson 1's goals stay met.
      const terminal = { formatVersion: 2, lessons: { '02-user-and-pass': { status: 'done', completedAt: '2025-03-01T10:00:00.000Z', hints: {}, failedChecks: 0, goals: {} } } };
      await page.locator('.goal-import input[type=file]').setInputFiles({ name: 'progress.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(terminal)) });
      const stored = JSON.parse(String(await page.evaluate('localStorage.getItem("pop3-playground:progress")')));
      expect(stored.lessons['02-user-and-pass'].status).toBe('done');
      expect(stored.lessons['01-first-contact'].goals['raw-quit'].met).toBe(true);
    } finally {
      await watched.close();
    }
  });

  it('shows the terminal’s checked output for the TLS lesson instead of running it', async () => {
    const watched = await openLesson(browser, server, '10-tls');
    try {
      const first = watched.page.locator('.run-block[data-block="0"]');
      expect(await first.locator('.terminal-only').textContent()).toContain('npm start');
      expect(await first.locator('button.run-button').count()).toBe(0);
      expect(await first.locator('pre').last().textContent()).toContain('IP Address:127.0.0.1');
    } finally {
      await watched.close();
    }
  });

  it('has no serious or critical accessibility violations (axe), before and after a run', async () => {
    const axeSource = readFileSync(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8');
    for (const path of ['', 'lessons/05-retr-and-mime.html', 'api/']) {
      const watched = await openLesson(browser, server, '05-retr-and-mime');
      try {
        const { page } = watched;
        await page.goto(`${server.root}${path}`, { waitUntil: 'networkidle' });
        if (path.startsWith('lessons/')) await runBlock(page, 0);
        await page.addScriptTag({ content: axeSource });
        const result = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
        const violations = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        expect(violations, path || 'home').toEqual([]);
      } finally {
        await watched.close();
      }
    }
  });
});
