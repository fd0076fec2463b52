import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EmbeddedTarget } from '../../src/cli';
import { startEmbeddedTarget } from '../../src/cli';
import type { JoinedClassroom } from '../../src/join/join-classroom';
import { joinClassroom } from '../../src/join/join-classroom';
import { RawPop3 } from '../helpers/raw-pop3';
import { startTestClassroom } from './classroom-fixture';
import type { TestClassroom } from './classroom-fixture';
import { call } from './http';

const LEARNERS = 8;
let room: TestClassroom;
let embedded: EmbeddedTarget;
const joined: JoinedClassroom[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  [room, embedded] = await Promise.all([startTestClassroom({ learners: LEARNERS }), startEmbeddedTarget()]);
  for (let i = 1; i <= LEARNERS; i++) {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'isolation-'));
    dirs.push(stateDir);
    joined.push(await joinClassroom({ url: room.running.joinUrl, code: room.code(`learner-0${i}`), stateDir, fallback: embedded.target }));
  }
});

afterAll(async () => {
  await Promise.all(joined.map((j) => j.close()));
  await Promise.all([room?.dispose(), embedded?.close()]);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function stat(port: number, user = 'alice', password = 'wonderland'): Promise<string> {
  const pop = await RawPop3.connect(port);
  await pop.login(user, password);
  const answer = await pop.command('STAT');
  await pop.quit();
  return answer;
}

it('keeps every learner\'s mail, log, faults, locks and progress apart while all of them work at once', async () => {
  const instructor = { authorization: `Bearer ${room.instructorToken}` };
  // Learner 1 holds alice's maildrop lock throughout; nobody else's alice may notice.
  const holder = await RawPop3.connect(joined[0]!.target.connection.port);
  expect(await holder.login('alice', 'wonderland')).toMatch(/^\+OK/);
  // The instructor slows down learner 3 alone.
  expect((await call(room.base, '/api/instructor/learners/learner-03/fault', { headers: instructor, body: { fault: 'delay=150' } })).status).toBe(200);

  await Promise.all(
    joined.slice(1).map(async (learner, k) => {
      const i = k + 2;
      const { port } = learner.target.connection;
      if (i % 4 === 0) await learner.target.applyState({ mailboxes: { alice: ['welcome', 'thread-question'] } });
      const pop = await RawPop3.connect(port);
      expect(await pop.login('alice', 'wonderland')).toMatch(/^\+OK alice's maildrop has/);
      for (let n = 1; n <= (i % 4 === 0 ? 1 : i); n++) expect(await pop.command(`DELE ${n}`)).toMatch(/^\+OK/);
      expect(await pop.quit()).toMatch(/^\+OK/);
      await learner.target.settle!();
      await learner.target.sync();
      learner.reporter
        .wrap({ location: 'memory', load: () => ({ formatVersion: 2, lessons: {} }), save: (p) => p, replace: () => undefined }).save({
        formatVersion: 2,
        current: `0${i}-lesson`,
        lessons: { [`marker-${i}`]: { status: 'done', completedAt: '2026-01-01T00:00:00.000Z', hints: {}, failedChecks: i, goals: {} } },
      });
      await learner.reporter.flush();
    }),
  );

  for (let i = 2; i <= LEARNERS; i++) {
    const learner = joined[i - 1]!;
    const left = i % 4 === 0 ? 1 : 15 - i;
    expect(await stat(learner.target.connection.port)).toMatch(new RegExp(`^\\+OK ${left} \\d+$`));
    // Their bob is untouched.
    expect(await stat(learner.target.connection.port, 'bob', 'builder')).toMatch(/^\+OK 7 \d+$/);
    await learner.target.sync();
    const entries = learner.target.log!.entries;
    expect(entries.filter((e) => e.keyword === 'CONNECT').every((e) => e.text.includes(`learner-0${i}@`))).toBe(true);
    expect(entries.some((e) => e.fault !== undefined)).toBe(i === 3);
    const progress = JSON.parse(readFileSync(path.join(room.data, 'progress', `learner-0${i}.json`), 'utf8')) as { lessons: Record<string, { failedChecks: number }> };
    expect(Object.keys(progress.lessons)).toEqual([`marker-${i}`]);
    expect(progress.lessons[`marker-${i}`]!.failedChecks).toBe(i);
  }
  // The lock holder still sees its snapshot, and its own mailbox was never touched by the others.
  expect(await holder.command('STAT')).toMatch(/^\+OK 15 \d+$/);
  expect(await holder.quit()).toMatch(/^\+OK/);
  expect(await stat(joined[0]!.target.connection.port)).toMatch(/^\+OK 15 \d+$/);
  await joined[0]!.target.sync();
  expect(joined[0]!.target.log!.entries.every((e) => e.direction !== '*' || e.keyword !== 'CONNECT' || e.text.includes('learner-01@'))).toBe(true);
});
