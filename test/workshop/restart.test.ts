import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startEmbeddedTarget } from '../../src/cli';
import type { EmbeddedTarget } from '../../src/cli';
import { joinClassroom } from '../../src/join/join-classroom';
import type { JoinedClassroom } from '../../src/join/join-classroom';
import { RawPop3 } from '../helpers/raw-pop3';
import { startTestClassroom } from './classroom-fixture';
import type { TestClassroom } from './classroom-fixture';
import { call, learnerCall, readEvents } from './http';

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

async function login(port: number): Promise<RawPop3> {
  const pop = await RawPop3.connect(port);
  await pop.login('alice', 'wonderland');
  return pop;
}

it('keeps mail, progress, join codes, tokens, hands and the CA across a restart mid-class, and a joined REPL carries on', async () => {
  let room: TestClassroom = await startTestClassroom({ roster: undefined, learners: 2 });
  const embedded: EmbeddedTarget = await startEmbeddedTarget();
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'restart-'));
  cleanup.push(() => room.dispose(), () => embedded.close(), () => rmSync(stateDir, { recursive: true, force: true }));
  const ca = readFileSync(path.join(room.data, 'tls', 'ca.pem'), 'utf8');
  const codes = [room.code('learner-01'), room.code('learner-02')];
  const joinUrl = room.running.joinUrl;
  const joined: JoinedClassroom = await joinClassroom({ url: joinUrl, code: codes[0]!, stateDir, fallback: embedded.target });
  cleanup.push(() => joined.close());

  // Learner 1 deletes a message and QUITs (committed, RFC 1939 §6), reports progress and raises a hand.
  const one = await login(joined.target.connection.port);
  expect(await one.command('DELE 1')).toMatch(/^\+OK/);
  expect(await one.quit()).toMatch(/^\+OK/);
  const progress = { formatVersion: 2, current: '02-user-and-pass', lessons: { '01-first-contact': { status: 'done', completedAt: '2026-03-01T10:00:00.000Z', hints: {}, failedChecks: 0, goals: {} } } };
  expect((await learnerCall(room.base, ca, codes[0]!, 'progress', { progress })).status).toBe(200);
  expect((await learnerCall(room.base, ca, codes[0]!, 'help', { message: 'PASS says -ERR' })).status).toBe(200);
  // Learner 2 is mid-session when the classroom stops: their DELE is never committed.
  const joinedTwo = await joinClassroom({ url: joinUrl, code: codes[1]!, stateDir: mkdtempSync(path.join(os.tmpdir(), 'restart-')), fallback: embedded.target });
  cleanup.push(() => joinedTwo.close());
  const two = await login(joinedTwo.target.connection.port);
  expect(await two.command('DELE 1')).toMatch(/^\+OK/);

  room = await room.restart();
  expect(room.running.joinUrl).toBe(joinUrl);
  expect(readFileSync(path.join(room.data, 'tls', 'ca.pem'), 'utf8')).toBe(ca);
  expect([room.code('learner-01'), room.code('learner-02')]).toEqual(codes);
  const instructor = { authorization: `Bearer ${room.instructorToken}` };

  // The joined REPL's event stream comes back by itself, and its forward reaches the same mailbox.
  await expect.poll(() => (joined.status()[1] ?? ''), { timeout: 8_000 }).toMatch(/^Connected/);
  const again = await login(joined.target.connection.port);
  expect(await again.command('STAT')).toMatch(/^\+OK 14 \d+$/);
  await again.quit();
  await joined.target.sync();
  expect(joined.target.log!.entries.filter((e) => e.keyword === 'STAT' && e.direction === 'C').length).toBe(1);
  // The uncommitted DELE is gone with the session that made it.
  await expect.poll(() => joinedTwo.status()[1] ?? '', { timeout: 8_000 }).toMatch(/^Connected/);
  const twoAgain = await login(joinedTwo.target.connection.port);
  expect(await twoAgain.command('STAT')).toMatch(/^\+OK 15 \d+$/);
  await twoAgain.quit();

  // Progress and the raised hand are on the dashboard again.
  const events = await readEvents(room.base, '/api/instructor/events', { headers: instructor, until: (e) => e.some((x) => x.event === 'snapshot') });
  const snapshot = events.find((e) => e.event === 'snapshot')!.data;
  const row = snapshot.rows.find((r: { id: string }) => r.id === 'learner-01');
  expect(row.lessons['01-first-contact'].status).toBe('done');
  expect(row.hand.message).toBe('PASS says -ERR');
  expect(snapshot.stuck[0]).toMatchObject({ id: 'learner-01', reason: 'hand', detail: 'PASS says -ERR' });
  // A new join with the old slip's URL (same pin) works.
  expect((await call(room.base, '/ca.pem')).text).toBe(ca);
});
