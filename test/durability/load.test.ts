import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox-server';
import { RawPop3 } from '../helpers/raw-pop3';

/**
 * Liveness under load: 1,000 sessions logged in at once (one per maildrop, RFC 1939 §4 locks
 * each) and 100 slow clients trickling a byte a second, while an ordinary session still logs
 * in and retrieves promptly. A liveness check with a generous bound, not a benchmark.
 */

const HELD_SESSIONS = 1_000;
const SLOW_CLIENTS = 100;
/** The ordinary session's bound: generous, it only proves nothing starves. */
const PROMPT_MS = 5_000;
/** Connections opened at a time, within the listen backlog. */
const OPEN_AT_ONCE = 100;
/** Client and server ends of every connection live in this process, plus some to spare. */
const DESCRIPTORS_NEEDED = 2 * (HELD_SESSIONS + SLOW_CLIENTS) + 200;

let sandbox: Sandbox;
const held: RawPop3[] = [];
const slow: net.Socket[] = [];
let trickle: NodeJS.Timeout | undefined;

function openFileLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === undefined || soft === 'unlimited' ? Infinity : Number(soft);
  } catch {
    return Infinity; // not Linux: let the run itself tell
  }
}

async function inBatches<T>(count: number, open: (i: number) => Promise<T>): Promise<T[]> {
  const all: T[] = [];
  for (let from = 0; from < count; from += OPEN_AT_ONCE) {
    const batch = Array.from({ length: Math.min(OPEN_AT_ONCE, count - from) }, (_, j) => open(from + j));
    all.push(...(await Promise.all(batch)));
  }
  return all;
}

beforeAll(async () => {
  const limit = openFileLimit();
  if (limit < DESCRIPTORS_NEEDED) {
    throw new Error(`the load test needs ${DESCRIPTORS_NEEDED} file descriptors, the limit is ${limit}: raise it (ulimit -n 4096)`);
  }
  const users = Array.from({ length: HELD_SESSIONS }, (_, i) => ({ name: `load${i}`, password: `pw-${i}` }));
  sandbox = await startSandbox({ users, tlsPort: false, failedLoginDelayMs: 0 });
});

afterAll(async () => {
  if (trickle) clearInterval(trickle);
  for (const socket of slow) socket.destroy();
  for (const peer of held) peer.destroy();
  await sandbox?.close();
});

it(`serves an ordinary session promptly while ${HELD_SESSIONS} sessions are logged in and ${SLOW_CLIENTS} clients trickle`, { timeout: 60_000 }, async () => {
  // 1,000 sessions in TRANSACTION, each holding its maildrop's lock.
  held.push(
    ...(await inBatches(HELD_SESSIONS, async (i) => {
      const peer = await RawPop3.connectAndGreet(sandbox.port, sandbox.host, { timeoutMs: 20_000 });
      const user = await peer.command(`USER load${i}`);
      const pass = await peer.command(`PASS pw-${i}`);
      if (!user.startsWith('+OK') || !pass.startsWith('+OK')) throw new Error(`login of load${i}: ${user} / ${pass}`);
      return peer;
    })),
  );

  // 100 slow clients, each sending a command one byte a second.
  const command = Buffer.from('USER slowpoke\r\n');
  slow.push(
    ...(await inBatches(SLOW_CLIENTS, async () => {
      const socket = net.connect({ port: sandbox.port, host: sandbox.host });
      socket.on('error', () => undefined);
      socket.on('data', () => undefined);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      return socket;
    })),
  );
  // Spread over the second: every 10 ms one client gets its next byte, so each sends one a second.
  let ticks = 0;
  let roundsDone: () => void = () => undefined;
  const twoRounds = new Promise<void>((resolve) => (roundsDone = resolve));
  trickle = setInterval(() => {
    const socket = slow[ticks % SLOW_CLIENTS]!;
    const at = Math.floor(ticks / SLOW_CLIENTS) % command.length;
    socket.write(command.subarray(at, at + 1));
    ticks += 1;
    if (ticks === 2 * SLOW_CLIENTS) roundsDone();
  }, 1_000 / SLOW_CLIENTS);
  await twoRounds;

  // The ordinary session: log in, look, retrieve, leave.
  const started = Date.now();
  const pop = await RawPop3.connectAndGreet(sandbox.port, sandbox.host, { timeoutMs: PROMPT_MS });
  try {
    expect(await pop.command('USER alice')).toMatch(/^\+OK/);
    expect(await pop.command('PASS wonderland')).toMatch(/^\+OK/);
    const stat = /^\+OK (\d+) (\d+)$/.exec(await pop.command('STAT'));
    expect(stat).not.toBeNull();
    const list = await pop.command('LIST 1');
    const retr = await pop.multiline('RETR 1');
    expect(retr.status).toMatch(/^\+OK/);
    expect(`+OK 1 ${retr.body!.length}`).toBe(list);
    expect(await pop.quit()).toMatch(/^\+OK/);
  } finally {
    pop.destroy();
  }
  const elapsed = Date.now() - started;
  if (process.env.LOAD_VERBOSE) console.log(`ordinary session: ${elapsed} ms`);
  expect(elapsed, `the ordinary session took ${elapsed} ms`).toBeLessThan(PROMPT_MS);

  // The held sessions are alive and still answer; their maildrops are still locked to them.
  for (const peer of [held[0]!, held[HELD_SESSIONS / 2]!, held[HELD_SESSIONS - 1]!]) expect(await peer.command('NOOP')).toMatch(/^\+OK/);
  const intruder = await RawPop3.connectAndGreet(sandbox.port, sandbox.host);
  await intruder.command('USER load7');
  expect(await intruder.command('PASS pw-7')).toMatch(/^-ERR \[IN-USE\]/);
  intruder.destroy();
  // The slow clients are still connected, still waiting for their line to finish.
  expect(slow.every((socket) => !socket.destroyed)).toBe(true);
  expect(sandbox.internalErrors).toHaveLength(0);
});
