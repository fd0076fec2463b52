import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedTarget } from '../../src/cli';
import { startEmbeddedTarget } from '../../src/cli';
import type { JoinedClassroom } from '../../src/join/join-classroom';
import { joinClassroom } from '../../src/join/join-classroom';
import { RawPop3 } from '../helpers/raw-pop3';
import type { TestClassroom } from '../workshop/classroom-fixture';
import { startTestClassroom } from '../workshop/classroom-fixture';
import { launchBrowser, openWatchedPage } from './launch';
import type { WatchedPage } from './launch';

let browser: Browser;
let room: TestClassroom;
let embedded: EmbeddedTarget;
let ada: JoinedClassroom;
let grace: JoinedClassroom;
let dashboard: WatchedPage;
const notices = { ada: [] as string[], grace: [] as string[] };
const gotos: number[] = [];
const dirs: string[] = [];

const dir = (): string => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'dashboard-'));
  dirs.push(d);
  return d;
};

/** A learner's REPL progress as it would save it after passing lesson `done` and starting the next. */
function reportProgress(learner: JoinedClassroom, done: string, current: string): Promise<void> {
  const store = learner.reporter.wrap({ location: 'memory', load: () => ({ formatVersion: 2, lessons: {} }), save: (p) => p, replace: () => undefined });
  store.save({ formatVersion: 2, current, lessons: { [done]: { status: 'done', completedAt: new Date().toISOString(), hints: {}, failedChecks: 0, goals: {} }, [current]: { status: 'started', hints: {}, failedChecks: 0, goals: {} } } });
  return learner.reporter.flush();
}

beforeAll(async () => {
  const data = dir();
  const roster = path.join(data, 'roster.csv');
  writeFileSync(roster, 'name\nAda Lovelace\nGrace Hopper\n');
  [browser, room, embedded] = await Promise.all([launchBrowser(), startTestClassroom({ roster }), startEmbeddedTarget()]);
  ada = await joinClassroom({ url: room.running.joinUrl, code: room.code('ada-lovelace'), stateDir: dir(), fallback: embedded.target });
  grace = await joinClassroom({ url: room.running.joinUrl, code: room.code('grace-hopper'), stateDir: dir(), fallback: embedded.target });
  ada.onNotice((text) => notices.ada.push(text));
  grace.onNotice((text) => notices.grace.push(text));
  grace.onGoto((number) => gotos.push(number));
  dashboard = await openWatchedPage(browser, room.base);
  await dashboard.page.goto(`${room.base}/i/${room.instructorToken}`);
}, 60_000);

afterAll(async () => {
  await dashboard?.close();
  await Promise.all([ada?.close(), grace?.close()]);
  await Promise.all([browser?.close(), room?.dispose(), embedded?.close()]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the instructor dashboard in a browser', () => {
  it('shows every learner online, and a lesson done within a second of the report', async () => {
    const { page } = dashboard;
    expect(page.url()).toBe(`${room.base}/dashboard`);
    await expect.poll(() => page.textContent('#status')).toBe('live');
    await expect.poll(() => page.locator('#grid tbody tr').count()).toBe(2);
    await expect.poll(() => page.textContent('#summary')).toBe('2 learners, 2 online');
    const started = Date.now();
    await reportProgress(ada, '01-first-contact', '02-user-and-pass');
    await expect.poll(() => page.textContent('tr[data-learner="ada-lovelace"] td[data-lesson="01-first-contact"]'), { interval: 50 }).toBe('✓');
    expect(Date.now() - started).toBeLessThan(1_000 + 1_000 /* the reporter's own batching */);
    expect(await page.textContent('tr[data-learner="ada-lovelace"] td.now')).toBe('2');
  });

  it('puts a raised hand in the stuck queue with the log tail, and "Answered" tells the learner', async () => {
    const { page } = dashboard;
    await reportProgress(grace, '01-first-contact', '02-user-and-pass');
    const pop = await RawPop3.connect(grace.target.connection.port);
    expect(await pop.readLine()).toMatch(/^\+OK/);
    await pop.command('USER alice');
    expect(await pop.command('PASS rabbit')).toMatch(/^-ERR/);
    await pop.quit();
    expect(await grace.helpMe('PASS keeps failing')).toMatch(/^Your hand is up/);
    const card = page.locator('#stuck li[data-learner="grace-hopper"]');
    await expect.poll(() => card.locator('.detail').textContent()).toBe('PASS keeps failing');
    const tail = (await card.locator('.tail').textContent()) ?? '';
    expect(tail).toMatch(/C: PASS \*\*\*␍␊/);
    expect(tail).toMatch(/S: -ERR \[AUTH\][^\n]*␍␊/);
    expect(tail).not.toContain('rabbit');
    await expect.poll(() => page.locator('#troubles').textContent()).toContain('PASS: -ERR [AUTH]');
    await card.locator('button[data-action="lower-hand"]').click();
    await expect.poll(() => notices.grace).toContain('A mentor marked your question as answered.');
    await expect.poll(() => page.locator('#stuck li').count()).toBe(0);
  });

  it('resets a learner, moves one ahead, paces the room and switches faults', async () => {
    const { page } = dashboard;
    await page.locator('tr[data-learner="ada-lovelace"] button[data-action="reset"]').click();
    await expect.poll(() => notices.ada).toContain('The instructor reset your mailboxes to the start of lesson 2.');
    await page.locator('tr[data-learner="grace-hopper"] select[data-role="goto-lesson"]').selectOption('6');
    await page.locator('tr[data-learner="grace-hopper"] button[data-action="goto"]').click();
    await expect.poll(() => gotos).toEqual([6]);
    await page.locator('#release-lesson').selectOption('3');
    await page.locator('#release-button').click();
    await expect.poll(() => page.textContent('#release-state')).toBe('lessons 1–3 released');
    await expect.poll(() => ada.mayEnter(5, false)).toBe('Lesson 5 is not released yet: the instructor opens lessons as the class goes (lessons 1–3 are open).');
    expect(ada.mayEnter(3, false)).toBeUndefined();
    expect(grace.mayEnter(6, false)).toBeUndefined();
    await page.fill('#room-fault', 'delay=100');
    await page.locator('#room-fault-form button[type="submit"]').click();
    await expect.poll(() => page.textContent('#room-fault-state')).toBe('on: delay=100');
    await page.fill('tr[data-learner="ada-lovelace"] input[data-role="fault"]', 'fail=RETR');
    await page.locator('tr[data-learner="ada-lovelace"] button[data-action="fault"]').click();
    await expect.poll(() => page.locator('tr[data-learner="ada-lovelace"] .fault').textContent()).toBe('⚡fail=RETR');
    await page.fill('#room-fault', 'explode');
    await page.locator('#room-fault-form button[type="submit"]').click();
    await expect.poll(() => page.textContent('#action-result')).toMatch(/^Refused: unknown fault "explode"/);
    await page.locator('#room-fault-off').click();
    await page.locator('#self-paced-button').click();
    await expect.poll(() => page.textContent('#release-state')).toBe('self-paced');
    expect(dashboard.errors).toEqual(["Failed to load resource: the server responded with a status of 400 (Bad Request)"]);
    expect(dashboard.foreignRequests).toEqual([]);
  });

  it('keeps the room view read-only, and hides names there when asked', async () => {
    const roomView = await openWatchedPage(browser, room.base);
    try {
      await roomView.page.goto(`${room.base}/r/${room.roomToken}`);
      await expect.poll(() => roomView.page.locator('#grid tbody th').allTextContents()).toEqual(['Ada Lovelace', 'Grace Hopper']);
      expect(await roomView.page.locator('button, input, select').count()).toBe(0);
      const html = await roomView.page.content();
      expect(html).not.toContain(room.instructorToken);
      expect(html).not.toContain('/i/');
      await dashboard.page.check('#hide-names');
      await expect.poll(() => roomView.page.locator('#grid tbody th').allTextContents()).toEqual(['#1', '#2']);
      // The room token opens no instructor route.
      expect((await roomView.page.goto(`${room.base}/dashboard`))?.status()).toBe(401);
      expect(roomView.errors.filter((e) => !e.includes('401'))).toEqual([]);
    } finally {
      await roomView.close();
      await dashboard.page.uncheck('#hide-names');
    }
  });

  it('refuses a browser without the token, and a page from another origin', async () => {
    const stranger = await openWatchedPage(browser, room.base);
    const evil = http.createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><script>
fetch(${JSON.stringify(`${room.base}/api/instructor/release`)}, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{"upTo":1}' })
  .then((r) => { document.title = 'status ' + r.status; }, () => { document.title = 'blocked'; });
</script>`),
    );
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    try {
      const answer = await stranger.page.goto(`${room.base}/dashboard`);
      expect(answer?.status()).toBe(401);
      expect(await stranger.page.textContent('body')).toContain('open the instructor (or room view) URL');
      // The instructor's own browser (with the cookie) visits another site that tries to act.
      const other = await dashboard.context.newPage();
      await other.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      await expect.poll(() => other.title()).toMatch(/^(blocked|status 40[13])$/);
      await other.close();
      await expect.poll(() => dashboard.page.textContent('#release-state')).toBe('self-paced');
    } finally {
      await stranger.close();
      await new Promise<void>((resolve) => evil.close(() => resolve()));
    }
  });

  it('fits a phone: the controls stack and the grid scrolls inside its box', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const page = await phone.newPage();
      await page.goto(`${room.base}/i/${room.instructorToken}`);
      await expect.poll(() => page.locator('#grid tbody tr').count()).toBe(2);
      // Nothing but the grid's own scrolling box is wider than the screen.
      const wide = await page.evaluate(
        "[...document.querySelectorAll('body *')].filter((e) => !e.closest('.grid-wrap') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((e) => e.tagName + '#' + e.id)",
      );
      expect(wide).toEqual([]);
      expect(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
      expect(await page.locator('.grid-wrap').evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true);
    } finally {
      await phone.close();
    }
  });
});
