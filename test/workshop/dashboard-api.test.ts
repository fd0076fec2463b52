import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawPop3 } from '../helpers/raw-pop3';
import type { TestClassroom } from './classroom-fixture';
import { startTestClassroom } from './classroom-fixture';
import type { Answer } from './http';
import { call, learnerCall, readEvents } from './http';

let room: TestClassroom;
let ca: string;
let bearer: Record<string, string>;

beforeAll(async () => {
  room = await startTestClassroom({ learners: 3 });
  ca = readFileSync(path.join(room.data, 'tls', 'ca.pem'), 'utf8');
  bearer = { authorization: `Bearer ${room.instructorToken}` };
});
afterAll(() => room?.dispose());

/** Opens a forward the way the REPL does, as a raw POP3 peer on the upgraded TLS socket. */
async function forward(code: string): Promise<RawPop3> {
  const { socket } = await (await import('../../src/join/classroom-link')).ClassroomLink.open({ host: '127.0.0.1', port: room.running.server.port }, code).then((link) => link.openForward(false));
  return RawPop3.wrap(socket);
}

describe('who may see and do what', () => {
  it('keeps the dashboard behind the instructor token, and the room view behind its own', async () => {
    expect((await call(room.base, '/dashboard')).status).toBe(401);
    expect((await call(room.base, '/api/instructor/events')).json.error.message).toBe('open the instructor (or room view) URL that `npm run workshop -- serve` printed');
    const roomToken = { authorization: `Bearer ${room.roomToken}` };
    expect((await call(room.base, '/room', { headers: roomToken })).status).toBe(200);
    expect((await call(room.base, '/dashboard', { headers: roomToken })).status).toBe(401);
    expect((await call(room.base, '/api/instructor/export.json', { headers: roomToken })).status).toBe(401);
    expect((await call(room.base, '/api/instructor/release', { headers: roomToken, body: { upTo: 2 } })).status).toBe(401);
    expect((await call(room.base, '/room', { headers: bearer })).status).toBe(200);
  });

  it('moves the token from the link into a strict cookie, and refuses changes from another origin', async () => {
    const link = await call(room.base, `/i/${room.instructorToken}`);
    expect(link.status).toBe(303);
    expect(link.headers.location).toBe('/dashboard');
    const cookie = String(link.headers['set-cookie']);
    expect(cookie).toBe(`pop3_instructor=${room.instructorToken}; Path=/; HttpOnly; SameSite=Strict`);
    const jar = { cookie: cookie.split(';')[0]! };
    const page = await call(room.base, '/dashboard', { headers: jar });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).not.toContain(room.instructorToken);
    const own = room.base;
    expect((await call(room.base, '/api/instructor/room-names', { headers: { ...jar, origin: own }, body: { hide: true } })).status).toBe(200);
    const foreign = await call(room.base, '/api/instructor/room-names', { headers: { ...jar, origin: 'http://evil.example' }, body: { hide: false } });
    expect([foreign.status, foreign.json.error.code]).toEqual([403, 'BAD_ORIGIN']);
    expect((await call(room.base, '/api/instructor/room-names', { headers: jar, body: { hide: false } })).status).toBe(403);
    expect((await call(room.base, '/api/instructor/events', { headers: { ...jar, 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await call(room.base, '/api/instructor/room-names', { headers: bearer, body: { hide: false } })).status).toBe(200);
  });

  it('gives a join code its own learner only', async () => {
    const code = room.code('learner-01');
    expect((await learnerCall(room.base, ca, code, 'join', { device: 'device-aaaa' })).json.learner).toEqual({ id: 'learner-01', name: 'Learner 01' });
    expect((await call(room.base, '/api/instructor/learners/learner-02/reset', { ca, headers: { authorization: `Bearer ${code}` }, body: {} })).status).toBe(401);
  });
});

describe('what the instructor sees', () => {
  it('shows hands, failing goals and common -ERRs with the log tail, secrets masked and line ends visible', async () => {
    const code = room.code('learner-02');
    await learnerCall(room.base, ca, code, 'join', { device: 'device-bbbb' });
    const progress = {
      formatVersion: 2,
      current: '02-user-and-pass',
      lessons: { '02-user-and-pass': { status: 'started', hints: {}, failedChecks: 3, goals: { 'wrong-password': { met: false, checks: 3, hintsShown: 1 } } } },
    };
    expect((await learnerCall(room.base, ca, code, 'progress', { progress })).status).toBe(200);
    const pop = await forward(code);
    expect(await pop.readLine()).toMatch(/^\+OK/);
    expect(await pop.command('USER alice')).toMatch(/^\+OK/);
    expect(await pop.command('PASS rabbit')).toMatch(/^-ERR \[AUTH\]/);
    expect(await pop.command('PASS wonderland')).toMatch(/^-ERR/);
    await pop.quit();
    await learnerCall(room.base, ca, room.code('learner-03'), 'help', { message: 'stuck on\u0007 the digest, my PASS is wonderland' });
    const events = await readEvents(room.base, '/api/instructor/events', { headers: bearer, until: (e) => e.some((x) => x.event === 'snapshot') });
    const { stuck, troubles, rows } = events[0]!.data;
    expect(stuck.map((s: { id: string; reason: string; detail: string }) => [s.id, s.reason, s.detail])).toEqual([
      ['learner-03', 'hand', 'stuck on  the digest, my PASS is ***'],
      ['learner-02', 'failing', expect.stringMatching(/^3 failed checks on "/)],
    ]);
    const tail: string[] = stuck[1].tail;
    expect(tail.some((l) => /C: PASS \*\*\*␍␊$/.test(l))).toBe(true);
    expect(tail.join('\n')).not.toContain('rabbit');
    expect(stuck[1].errors[0]).toMatch(/^-ERR \[AUTH\]/);
    expect(troubles[0]).toMatchObject({ lesson: '02-user-and-pass', number: 2 });
    expect(troubles[0].errs[0]).toMatchObject({ count: 1, learners: 1 });
    expect(troubles[0].errs[0].text).toMatch(/^PASS: -ERR \[AUTH\]/);
    expect(rows.find((r: { id: string }) => r.id === 'learner-02').lessons['02-user-and-pass']).toMatchObject({ status: 'started', goalsMet: 0, failedChecks: 3, hints: 1 });
    const dump = JSON.stringify(events);
    for (const secret of ['wonderland', 'rabbit', 'builder', room.code('learner-02'), room.instructorToken, room.roomToken]) expect(dump).not.toContain(secret);
  });

  it('exports results as CSV and JSON without codes, tokens or passwords', async () => {
    const csv = await call(room.base, '/api/instructor/export.csv', { headers: bearer });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('learner_id,name,lesson_number,lesson_id,lesson_status,completed_at,failed_checks,attempts,goal_id,goal_met,goal_first_met_at,goal_failed_checks,goal_hints_shown');
    expect(lines).toContain('learner-02,Learner 02,2,02-user-and-pass,started,,3,0,wrong-password,no,,3,1');
    const json = (await call(room.base, '/api/instructor/export.json', { headers: bearer })).json;
    expect(json.learners.map((l: { id: string }) => l.id)).toEqual(['learner-01', 'learner-02', 'learner-03']);
    expect(json.learners[1].lessons['02-user-and-pass'].goals['wrong-password']).toEqual({ met: false, firstMetAt: null, checks: 3, hintsShown: 1 });
    for (const text of [csv.text, JSON.stringify(json)]) {
      for (const secret of ['wonderland', 'builder', room.code('learner-01'), room.code('learner-02'), room.instructorToken, room.roomToken]) expect(text).not.toContain(secret);
    }
  });

  it('hides names on the room view when asked, and shows no log, message or code there', async () => {
    await call(room.base, '/api/instructor/room-names', { headers: bearer, body: { hide: true } });
    const events = await readEvents(room.base, '/api/room/events', { headers: { authorization: `Bearer ${room.roomToken}` }, until: (e) => e.length > 0 });
    const { rows } = events[0]!.data;
    expect(rows.map((r: { label: string }) => r.label)).toEqual(['#1', '#2', '#3']);
    const dump = JSON.stringify(events);
    expect(dump).not.toContain('Learner 0');
    expect(dump).not.toContain('the digest');
    expect(dump).not.toContain('-ERR');
  });
});

describe('the instructor\'s actions reach the learner', () => {
  it('releases lessons, moves a late joiner ahead, resets their mailboxes and switches faults, each told to their REPL', async () => {
    const code = room.code('learner-01');
    const stream = readEvents(room.base, '/api/learner/events', {
      ca,
      headers: { authorization: `Bearer ${code}` },
      until: (e) => e.filter((x) => x.event === 'control').length >= 4,
    });
    // Let the stream open before the actions.
    await expect.poll(async () => (await readEvents(room.base, '/api/instructor/events', { headers: bearer, until: (e) => e.length > 0 }))[0]!.data.rows[0].online).toBe(true);
    const ok = (answer: Answer): void => expect([answer.status, answer.json]).toEqual([200, expect.anything()]);
    ok(await call(room.base, '/api/instructor/release', { headers: bearer, body: { upTo: 3 } }));
    ok(await call(room.base, '/api/instructor/learners/learner-01/goto', { headers: bearer, body: { lesson: 7 } }));
    ok(await call(room.base, '/api/instructor/learners/learner-01/reset', { headers: bearer, body: {} }));
    ok(await call(room.base, '/api/instructor/fault', { headers: bearer, body: { fault: 'fail=RETR' } }));
    ok(await call(room.base, '/api/instructor/learners/learner-01/lower-hand', { headers: bearer, body: {} }));
    const controls = (await stream).filter((x) => x.event === 'control').map((x) => x.data);
    expect(controls[0]).toEqual({ type: 'release', release: { mode: 'paced', upTo: 3 } });
    expect(controls[1]).toEqual({ type: 'goto', lesson: '07-uidl', number: 7, unlockedUpTo: 7 });
    expect(controls[2]).toEqual({ type: 'notice', text: 'The instructor reset your mailboxes.' });
    expect(controls[3]).toEqual({ type: 'notice', text: 'A mentor marked your question as answered.' });
    const bad = await call(room.base, '/api/instructor/fault', { headers: bearer, body: { fault: 'explode=1' } });
    expect([bad.status, bad.json.error.code]).toEqual([400, 'BAD_FAULT']);
    expect((await call(room.base, '/api/instructor/learners/learner-01/goto', { headers: bearer, body: { lesson: 99 } })).json.error.message).toBe('there is no lesson 99; lessons are 1 to 14');
    // The room fault is on for the learner's sessions, marked in their log.
    const pop = await forward(code);
    expect(await pop.readLine()).toMatch(/^\+OK/);
    await pop.command('USER alice');
    await pop.command('PASS wonderland');
    expect(await pop.command('RETR 1')).toMatch(/^-ERR \[SYS\/TEMP\]/);
    await pop.quit();
    ok(await call(room.base, '/api/instructor/fault', { headers: bearer, body: { fault: '' } }));
    ok(await call(room.base, '/api/instructor/release', { headers: bearer, body: { upTo: null } }));
  });
});
