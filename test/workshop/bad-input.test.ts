import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClassroomLink } from '../../src/join/classroom-link';
import { RawPop3 } from '../helpers/raw-pop3';
import type { TestClassroom } from './classroom-fixture';
import { startTestClassroom } from './classroom-fixture';
import { call, learnerCall } from './http';

let room: TestClassroom;
let ca: string;
let code: string;
const unexpected: string[] = [];

beforeAll(async () => {
  room = await startTestClassroom({ learners: 2 });
  ca = readFileSync(path.join(room.data, 'tls', 'ca.pem'), 'utf8');
  code = room.code('learner-01');
  room.lines.length = 0;
});
afterAll(() => room?.dispose());

/** The classroom still answers, and logged no failure of its own. */
async function stillServing(): Promise<void> {
  expect((await call(room.base, '/ca.pem')).status).toBe(200);
  expect((await learnerCall(room.base, ca, code, 'log-head')).status).toBe(200);
  expect(room.lines.filter((l) => l.startsWith('error:'))).toEqual(unexpected);
  for (const learner of room.running.classroom.learners) {
    const sandbox = await learner.openedSandbox;
    expect(sandbox?.internalErrors ?? []).toEqual([]);
  }
}

/** Sends raw bytes to the port and waits until the classroom closes the connection (or 2 s pass). */
function sendRaw(bytes: Buffer, secure = false): Promise<string> {
  return new Promise((resolve) => {
    const socket: net.Socket = secure
      ? tls.connect({ host: '127.0.0.1', port: room.running.server.port, ca, checkServerIdentity: () => undefined }, () => socket.write(bytes))
      : net.connect({ host: '127.0.0.1', port: room.running.server.port }, () => socket.write(bytes));
    const got: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => got.push(chunk));
    socket.on('error', () => undefined);
    const timer = setTimeout(() => socket.destroy(), 2_000);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(got).toString('latin1'));
    });
  });
}

it('answers malformed requests with a clear refusal and loses nothing', async () => {
  const learner = (route: string, body: unknown, headers: Record<string, string> = {}): ReturnType<typeof call> =>
    call(room.base, `/api/learner/${route}`, { ca, headers: { authorization: `Bearer ${code}`, ...headers }, body });
  const refusals = await Promise.all([
    learner('progress', '{not json', { 'content-type': 'application/json' }),
    learner('progress', 'a=b', { 'content-type': 'application/x-www-form-urlencoded' }),
    learner('progress', JSON.stringify({ progress: { formatVersion: 9 } }), { 'content-type': 'application/json' }),
    learner('progress', JSON.stringify([1, 2]), { 'content-type': 'application/json' }),
    learner('progress', JSON.stringify({ progress: 'x'.repeat(300_000) }), { 'content-type': 'application/json' }),
    learner('state', { state: { mailboxes: { alice: ['no-such-message'] } } }),
    learner('state', { state: { mailboxes: { alice: 7 } } }),
    learner('state', { state: { faults: { delayMs: -5 } } }),
    learner('faults', { faults: 'delay' }),
    learner('nowhere', {}),
    learner('join', { device: 'x' }),
  ]);
  expect(refusals.map((r) => `${r.status} ${r.json?.error?.code}`)).toEqual([
    '400 BAD_JSON',
    '415 NOT_JSON',
    '400 PROGRESS_FILE',
    '400 BAD_JSON',
    '413 TOO_LARGE',
    '400 UNKNOWN_SEED_MESSAGE',
    '400 BAD_STATE',
    '400 BAD_OPTION',
    '400 BAD_STATE',
    '404 NOT_FOUND',
    '400 BAD_REQUEST',
  ]);
  expect(refusals[5]!.json.error.message).toMatch(/^no seed message named "no-such-message"; known: /);
  expect((await call(room.base, '/assets/../classroom.json')).status).toBe(404);
  expect((await call(room.base, '/%2e%2e/learners.json')).status).toBe(404);
  expect((await call(room.base, '/api/instructor/learners/..%2flearner-01/reset', { headers: { authorization: `Bearer ${room.instructorToken}` }, body: {} })).status).toBe(404);
  expect((await call(room.base, '/api/instructor/learners/nobody/reset', { headers: { authorization: `Bearer ${room.instructorToken}` }, body: {} })).json.error.message).toBe('no learner nobody');
  await stillServing();
});

it('survives random bytes, half handshakes and broken HTTP on its one port', async () => {
  const answers = await Promise.all([
    sendRaw(randomBytes(2048)),
    sendRaw(Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff, ...randomBytes(64)])),
    sendRaw(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n' + 'X-Long: ' + 'a'.repeat(70_000) + '\r\n\r\n')),
    sendRaw(Buffer.from('BLAH\r\n\r\n')),
    sendRaw(Buffer.from('\u0000\u0000\u0000')),
    sendRaw(Buffer.from('GET /api/learner/pop3 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: pop3\r\n\r\n')),
    sendRaw(randomBytes(4096), true),
    sendRaw(Buffer.from(`GET /api/learner/pop3 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${code}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`), true),
  ]);
  expect(answers[5]).toMatch(/^HTTP\/1\.1 403 Refused\r\n[\s\S]*"code":"TLS_REQUIRED"/);
  expect(answers[7]).toMatch(/^HTTP\/1\.1 404 Refused\r\n/);
  await stillServing();
});

it('answers garbage inside a POP3 forward with -ERR, as the sandbox answers any client', async () => {
  const link = await ClassroomLink.open({ host: '127.0.0.1', port: room.running.server.port }, code);
  const { socket } = await link.openForward(false);
  const pop = RawPop3.wrap(socket);
  expect(await pop.readLine()).toMatch(/^\+OK/);
  pop.write(Buffer.concat([randomBytes(300).map((b) => (b === 10 || b === 13 ? 65 : b)), Buffer.from('\r\n')]));
  expect(await pop.readLine()).toMatch(/^-ERR/);
  expect(await pop.command('NOOP')).toMatch(/^-ERR/);
  expect(await pop.quit()).toMatch(/^\+OK/);
  link.close();
  await stillServing();
});

it('never fails on any request line, method, header or body the fuzzer makes up', async () => {
  const routes = ['/', '/ca.pem', '/dashboard', '/room', '/install', '/assets/x.js', '/api/learner/join', '/api/learner/state', '/api/learner/events', '/api/instructor/release', '/api/instructor/learners/learner-01/goto', '/api/room/events', '/i/short'];
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
      fc.oneof(fc.constantFrom(...routes), fc.webPath()),
      fc.oneof(fc.constant(undefined), fc.string(), fc.json()),
      fc.constantFrom('instructor', 'room', 'learner', 'nobody'),
      async (method, route, body, who) => {
        const secure = who === 'learner';
        const token = who === 'instructor' ? room.instructorToken : who === 'room' ? room.roomToken : who === 'learner' ? code : 'nope';
        const answer = await call(room.base, route.startsWith('/') ? route : `/${route}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          ...(body !== undefined && method !== 'GET' ? { body: String(body) } : {}),
          ...(secure ? { ca } : {}),
          headersOnly: true,
        }).catch((error: Error) => ({ status: 0, text: error.message }));
        expect(answer.status === 0 || answer.status < 500).toBe(true);
      },
    ),
    { numRuns: 150, examples: [['GET', '/api/learner/events', undefined, 'nobody']] },
  );
  await stillServing();
}, 60_000);
