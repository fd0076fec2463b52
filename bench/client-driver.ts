/**
 * Runs just our client, in its own process, for the client benchmarks. Prints one JSON line.
 *
 *   client-driver.ts sweep  HOST PORT USER PASS     RETR every message (await each, as a learner writes it);
 *                                                   with `--profile FILE`, a CPU profile of the RETRs
 *   client-driver.ts fetch  HOST PORT USER PASS     fetchNew(): UIDL, LIST, then RETRs pipelined 8 deep
 *   client-driver.ts stream HOST PORT USER PASS N   retrStream(N), chunks discarded; peak RSS growth
 *   client-driver.ts stream-raw HOST PORT USER PASS N   the same RETR over a bare socket: the floor
 *   client-driver.ts endless HOST PORT MAX_MESSAGE_SIZE   retr(1) from a server whose reply never
 *                                                   ends, until MESSAGE_TOO_LARGE; peak RSS growth
 *
 * Times run from connect() through quit(), without process start-up, like poplib-sweep.py;
 * `cpuSeconds` is the process CPU over the same span.
 * Run `stream` and `endless` with --expose-gc so the baseline is taken after a collection.
 */
import { connect as netConnect } from 'node:net';
import { connect, fetchNew } from '../src/client';
import { startCpuProfile } from './lib/inspector-profile';
import { PeakMemoryTracker } from './lib/peak-memory';

const TIMEOUT_MS = 60_000;

/** CPU seconds (user + system) this process used since `start`: the transfer's cost, start-up excluded. */
function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

async function sweep(host: string, port: number, user: string, password: string, profileFile?: string): Promise<void> {
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const client = await connect({ host, port, timeout: TIMEOUT_MS });
  await client.user(user);
  await client.pass(password);
  const { count } = await client.stat();
  // Profiling (bench/profile-client.ts) covers the RETRs only, not start-up and login.
  const profile = profileFile ? await startCpuProfile(profileFile) : undefined;
  let bytes = 0;
  for (let n = 1; n <= count; n++) {
    const message = await client.retr(n);
    bytes += message.size;
  }
  await profile?.stop();
  await client.quit();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(`${JSON.stringify({ seconds, bytes, messages: count, cpuSeconds: cpuSecondsSince(cpuStart) })}\n`);
}

/** The client's own bulk retrieval: RETRs pipelined when the server offers PIPELINING (RFC 2449 §6.6). */
async function fetchAll(host: string, port: number, user: string, password: string): Promise<void> {
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const client = await connect({ host, port, timeout: TIMEOUT_MS });
  await client.user(user);
  await client.pass(password);
  let bytes = 0;
  let messages = 0;
  await fetchNew(client, {
    seen: [],
    keepMessages: false,
    onMessage: (message) => {
      bytes += message.size;
      messages++;
    },
  });
  await client.quit();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(`${JSON.stringify({ seconds, bytes, messages, cpuSeconds: cpuSecondsSince(cpuStart) })}\n`);
}

async function stream(host: string, port: number, user: string, password: string, messageNumber: number): Promise<void> {
  const client = await connect({ host, port, timeout: TIMEOUT_MS });
  await client.user(user);
  await client.pass(password);
  await client.list(messageNumber);
  const memory = new PeakMemoryTracker();
  const start = process.hrtime.bigint();
  let bytes = 0;
  let chunks = 0;
  for await (const chunk of client.retrStream(messageNumber)) {
    bytes += (chunk as Buffer).length;
    if (++chunks % 16 === 0) memory.sample();
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const peak = memory.finish();
  await client.quit();
  process.stdout.write(`${JSON.stringify({ seconds, bytes, messages: 1, ...peak })}\n`);
}

/**
 * The floor under any client: the same RETR over a bare socket, bytes counted and dropped, no
 * un-stuffing. What Node itself costs (socket read buffers waiting for a GC) shows here.
 */
async function streamRaw(host: string, port: number, user: string, password: string, messageNumber: number): Promise<void> {
  const socket = netConnect({ host, port });
  const steps = [`USER ${user}`, `PASS ${password}`, `RETR ${messageNumber}`];
  let memory: PeakMemoryTracker | undefined;
  let start = 0n;
  let bytes = 0;
  let chunks = 0;
  let status = '';
  let tail = Buffer.alloc(0);
  await new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('close', () => reject(new Error('connection closed before the end of the message')));
    socket.on('data', (chunk: Buffer) => {
      if (memory === undefined) {
        status += chunk.toString('latin1');
        const end = status.indexOf('\r\n');
        if (end < 0) return;
        if (!status.startsWith('+OK')) return reject(new Error(`server answered ${status.slice(0, end)}`));
        const rest = status.slice(end + 2);
        status = '';
        const next = steps.shift();
        if (next === undefined) return;
        if (next.startsWith('RETR')) {
          memory = new PeakMemoryTracker();
          start = process.hrtime.bigint();
        }
        socket.write(`${next}\r\n`);
        if (rest) return reject(new Error('unexpected bytes after a status line'));
        return;
      }
      // The status line of RETR arrives with the body; count everything, find the terminator.
      bytes += chunk.length;
      if (++chunks % 16 === 0) memory.sample();
      tail = Buffer.concat([tail, chunk.subarray(-5)]).subarray(-5);
      if (tail.equals(TERMINATOR_WITH_LINE_END)) resolve();
    });
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const peak = (memory as PeakMemoryTracker | undefined)?.finish();
  socket.removeAllListeners('close');
  socket.on('error', () => undefined);
  socket.end('QUIT\r\n');
  process.stdout.write(`${JSON.stringify({ seconds, bytes, messages: 1, ...peak })}\n`);
}

const TERMINATOR_WITH_LINE_END = Buffer.from('\r\n.\r\n');

/**
 * RETR 1, buffered, from a server that never ends the reply: the client must stop at
 * `maxMessageSize`, holding no more than that (plus 1 MiB) on the way.
 */
async function endless(host: string, port: number, maxMessageSize: number): Promise<void> {
  const client = await connect({ host, port, timeout: TIMEOUT_MS, maxMessageSize });
  const memory = new PeakMemoryTracker();
  const start = process.hrtime.bigint();
  const error: unknown = await client.retr(1).then(
    () => new Error('the endless reply ended'),
    (e: unknown) => e,
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const peak = memory.finish();
  const code = (error as { code?: unknown }).code;
  if (code !== 'MESSAGE_TOO_LARGE') throw error;
  process.stdout.write(`${JSON.stringify({ seconds, bytes: maxMessageSize, messages: 0, code, ...peak })}\n`);
}

async function main(): Promise<void> {
  const [mode, host, port, ...rest] = process.argv.slice(2);
  const usage = 'usage: client-driver.ts sweep|fetch|stream|stream-raw HOST PORT USER PASS [N | --profile FILE], or endless HOST PORT MAX_MESSAGE_SIZE';
  if (!host || !port) throw new Error(usage);
  if (mode === 'endless') return endless(host, Number(port), Number(rest[0]));
  const [user, password, n] = rest;
  if (!user || password === undefined) throw new Error(usage);
  if (mode === 'sweep') await sweep(host, Number(port), user, password, n === '--profile' ? process.argv[8] : undefined);
  else if (mode === 'fetch') await fetchAll(host, Number(port), user, password);
  else if (mode === 'stream') await stream(host, Number(port), user, password, Number(n ?? 1));
  else if (mode === 'stream-raw') await streamRaw(host, Number(port), user, password, Number(n ?? 1));
  else throw new Error(`unknown mode ${String(mode)}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`client-driver: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
