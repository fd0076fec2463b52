import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClassroomLink } from '../../src/join/classroom-link';
import { stuckQueue } from '../../workshop/dashboard-model';
import { LEARNER_CONNECTIONS, OFFLINE_AFTER_MS } from '../../workshop/limits';
import { RawPop3 } from '../helpers/raw-pop3';
import type { TestClassroom } from './classroom-fixture';
import { startTestClassroom } from './classroom-fixture';
import { call, learnerCall, readEvents } from './http';

let room: TestClassroom;
let ca: string;
beforeAll(async () => {
  room = await startTestClassroom({ learners: 3, perAddressCap: 40 });
  ca = readFileSync(path.join(room.data, 'tls', 'ca.pem'), 'utf8');
});
afterAll(() => room?.dispose());

const row = async (id: string): Promise<{ online: boolean }> => {
  const events = await readEvents(room.base, '/api/instructor/events', { headers: { authorization: `Bearer ${room.instructorToken}` }, until: (e) => e.length > 0 });
  return events[0]!.data.rows.find((r: { id: string }) => r.id === id);
};

describe('limits that keep one learner from starving the room', () => {
  it(`caps a learner's POP3 connections at ${LEARNER_CONNECTIONS}, and frees a place when one closes`, async () => {
    const link = await ClassroomLink.open({ host: '127.0.0.1', port: room.running.server.port }, room.code('learner-01'));
    const open: RawPop3[] = [];
    for (let i = 0; i < LEARNER_CONNECTIONS; i++) {
      const pop = RawPop3.wrap((await link.openForward(false)).socket);
      expect(await pop.readLine()).toMatch(/^\+OK/);
      open.push(pop);
    }
    await expect(link.openForward(false)).rejects.toThrow(`${LEARNER_CONNECTIONS} POP3 connections are open already; close some (await pop.quit())`);
    // Another learner is not affected.
    const other = await ClassroomLink.open({ host: '127.0.0.1', port: room.running.server.port }, room.code('learner-02'));
    const theirs = RawPop3.wrap((await other.openForward(false)).socket);
    expect(await theirs.readLine()).toMatch(/^\+OK/);
    await theirs.quit();
    await open[0]!.quit();
    await expect.poll(async () => (await link.openForward(false).then((f) => (f.socket.destroy(), 'opened'), (e: Error) => e.message)), { timeout: 3_000 }).toBe('opened');
    for (const pop of open.slice(1)) pop.destroy();
    link.close();
    other.close();
  });

  it('cuts connections from one address past its cap, and takes new ones once they close', async () => {
    const sockets: net.Socket[] = [];
    const closed: boolean[] = [];
    for (let i = 0; i < 45; i++) {
      const socket = net.connect(room.running.server.port, '127.0.0.1');
      socket.on('error', () => undefined);
      const index = sockets.push(socket) - 1;
      closed[index] = false;
      socket.on('close', () => (closed[index] = true));
      await new Promise((resolve) => socket.once('connect', resolve));
    }
    await expect.poll(() => closed.filter(Boolean).length, { timeout: 3_000 }).toBeGreaterThanOrEqual(5);
    expect(closed.slice(0, 30).some(Boolean)).toBe(false);
    for (const socket of sockets) socket.destroy();
    await expect.poll(async () => (await call(room.base, '/ca.pem').catch(() => ({ status: 0 }))).status, { timeout: 3_000 }).toBe(200);
  });

  it('shows a learner offline once their REPL\'s stream is gone, and idle learners mid-lesson as stuck', async () => {
    const code = room.code('learner-03');
    await learnerCall(room.base, ca, code, 'progress', { progress: { formatVersion: 2, current: '04-stat-and-list', lessons: { '04-stat-and-list': { status: 'started', hints: {}, failedChecks: 0, goals: {} } } } });
    const link = await ClassroomLink.open({ host: '127.0.0.1', port: room.running.server.port }, code);
    const stream = await link.openEvents(0, room.running.classroom.epoch);
    stream.resume();
    await expect.poll(async () => (await row('learner-03')).online).toBe(true);
    const later = Date.now() + room.running.classroom.idleMinutes * 60_000 + 1_000;
    const stuck = await stuckQueue(room.running.classroom, later);
    expect(stuck.map((s) => [s.id, s.reason, s.detail])).toEqual([['learner-03', 'idle', `idle for ${room.running.classroom.idleMinutes} min in lesson 4`]]);
    // The stream ends (the REPL quit, the wifi dropped): still online for a short grace, then offline.
    stream.destroy();
    link.close();
    const gone = Date.now();
    await expect.poll(async () => (await row('learner-03')).online, { timeout: OFFLINE_AFTER_MS + 3_000 }).toBe(false);
    expect(Date.now() - gone).toBeGreaterThanOrEqual(OFFLINE_AFTER_MS - 500);
  });
});
