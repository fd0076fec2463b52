import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedTarget } from '../../src/cli';
import { startEmbeddedTarget } from '../../src/cli';
import { joinClassroom } from '../../src/join/join-classroom';
import { RawPop3 } from '../helpers/raw-pop3';
import { startTestClassroom } from './classroom-fixture';
import type { TestClassroom } from './classroom-fixture';
import { call, learnerCall } from './http';

let room: TestClassroom;
let embedded: EmbeddedTarget;
let ca: string;
const stateDirs: string[] = [];
const stateDir = (): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'join-state-'));
  stateDirs.push(dir);
  return dir;
};

beforeAll(async () => {
  [room, embedded] = await Promise.all([startTestClassroom({ learners: 3 }), startEmbeddedTarget()]);
  ca = readFileSync(path.join(room.data, 'tls', 'ca.pem'), 'utf8');
});

afterAll(async () => {
  await Promise.all([room?.dispose(), embedded?.close()]);
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
});

describe('joining a classroom', () => {
  it('serves its CA in plain HTTP, and the join URL pins it', async () => {
    const answer = await call(room.base, '/ca.pem');
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(ca);
    expect(room.running.joinUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?ca=[0-9a-f]{20}$/);
  });

  it('refuses the learner API without TLS, a wrong code, and a code that is not one', async () => {
    const plain = await call(room.base, '/api/learner/join', { headers: { authorization: `Bearer ${room.code('learner-01')}` }, body: { device: 'abcdefgh' } });
    expect(plain.status).toBe(403);
    expect(plain.json.error.code).toBe('TLS_REQUIRED');
    const wrong = await learnerCall(room.base, ca, 'ABCD-EFGH', 'join', { device: 'abcdefgh' });
    expect([wrong.status, wrong.json.error]).toEqual([401, { code: 'BAD_CODE', message: 'unknown join code: check the code on your slip (8 letters and digits, e.g. ABCD-EFGH)' }]);
    const none = await learnerCall(room.base, ca, 'hello', 'log-head');
    expect(none.status).toBe(401);
  });

  it('refuses a second REPL on a code in use, and a code the instructor replaced', async () => {
    const code = room.code('learner-02');
    expect((await learnerCall(room.base, ca, code, 'join', { device: 'device-one' })).status).toBe(200);
    const second = await learnerCall(room.base, ca, code, 'join', { device: 'device-two' });
    expect([second.status, second.json.error.code]).toEqual([409, 'CODE_IN_USE']);
    expect(second.json.error.message).toBe('this join code is in use by another REPL (Learner 02); close that one first (or wait a minute), or check that the slip is yours');
    // The same REPL may join again (a restart).
    expect((await learnerCall(room.base, ca, code, 'join', { device: 'device-one' })).status).toBe(200);
    const replaced = await call(room.base, '/api/instructor/learners/learner-02/new-code', { body: {}, headers: { authorization: `Bearer ${room.instructorToken}` } });
    expect(replaced.json.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const old = await learnerCall(room.base, ca, code, 'join', { device: 'device-one' });
    expect([old.status, old.json.error]).toEqual([401, { code: 'CODE_REPLACED', message: 'this join code was replaced by the instructor; ask for your new slip' }]);
    expect((await learnerCall(room.base, ca, replaced.json.code, 'join', { device: 'device-two' })).status).toBe(200);
  });

  it('slows down repeated wrong codes from one address, and still answers a right one at once', async () => {
    // A classroom of its own, so the other tests' wrong codes do not count here.
    const quiet = await startTestClassroom({ learners: 1 });
    const quietCa = readFileSync(path.join(quiet.data, 'tls', 'ca.pem'), 'utf8');
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = Date.now();
      const answer = await learnerCall(quiet.base, quietCa, 'ZZZZ-ZZZZ', 'log-head');
      expect(answer.status).toBe(401);
      times.push(Date.now() - start);
    }
    // Three attempts (typos) are answered at once; past them each wrong code waits twice as long.
    expect(times.slice(0, 3).every((t) => t < 200)).toBe(true);
    expect(times[3]!).toBeGreaterThanOrEqual(240);
    expect(times[4]!).toBeGreaterThanOrEqual(490);
    const start = Date.now();
    expect((await learnerCall(quiet.base, quietCa, quiet.code('learner-01'), 'log-head')).status).toBe(200);
    expect(Date.now() - start).toBeLessThan(240);
    await quiet.dispose();
  });

  it('refuses a classroom whose CA is not the one the join URL pins', async () => {
    const url = room.running.joinUrl.replace(/ca=[0-9a-f]{20}/, 'ca=0123456789abcdef0123');
    await expect(joinClassroom({ url, code: room.code('learner-01'), stateDir: stateDir(), fallback: embedded.target })).rejects.toThrow(
      /is not the classroom on your slip \(its certificate authority has another fingerprint\)/,
    );
  });

  it('forwards POP3 from the loopback listener to the learner\'s own accounts, with STLS and implicit TLS inside', async () => {
    const joined = await joinClassroom({ url: room.running.joinUrl, code: room.code('learner-01'), stateDir: stateDir(), fallback: embedded.target });
    try {
      expect(joined.target.connection.host).toBe('127.0.0.1');
      const pop = await RawPop3.connectAndGreet(joined.target.connection.port);
      expect(pop.greeting).toMatch(/^\+OK POP3 sandbox ready <[^>]+>$/);
      pop.write('CAPA\r\n');
      expect((await pop.readMultiline()).lines).toContain('STLS');
      pop.write('STLS\r\n');
      expect(await pop.readLine()).toMatch(/^\+OK/);
      await pop.startTls({ ca: joined.target.connection.ca!, servername: 'localhost' });
      pop.write('USER alice\r\nPASS wonderland\r\nSTAT\r\nQUIT\r\n');
      expect(await pop.readLine()).toMatch(/^\+OK/);
      expect(await pop.readLine()).toMatch(/^\+OK alice's maildrop has 15 messages/);
      expect(await pop.readLine()).toMatch(/^\+OK 15 \d+$/);
      expect(await pop.readLine()).toMatch(/^\+OK/);
      const secure = await RawPop3.connectTls(joined.target.connection.tlsPort!, { ca: joined.target.connection.ca!, servername: 'localhost' });
      expect(await secure.readLine()).toMatch(/^\+OK POP3 sandbox ready/);
      secure.write('USER bob\r\nPASS builder\r\nQUIT\r\n');
      expect(await secure.readLine()).toMatch(/^\+OK/);
      expect(await secure.readLine()).toMatch(/^\+OK bob's maildrop has 7 messages/);
      await joined.target.sync();
      const kinds = joined.target.log!.entries.filter((e) => e.keyword === 'CONNECT').map((e) => e.text);
      expect(kinds).toEqual(['CONNECT from learner-01@127.0.0.1 (pop3 over join-forward)', 'CONNECT from learner-01@127.0.0.1 (pop3s, implicit TLS)']);
      expect(joined.target.log!.entries.some((e) => e.keyword === 'TLS')).toBe(true);
    } finally {
      await joined.close();
    }
  });
});
