/**
 * The workshop benchmark's simulated room, all in one load-generator process: learners that
 * join through the join path (CA pin, join code, TLS) and replay a lesson's POP3 traffic and
 * progress reports at a human pace, and clients that misbehave (slow, garbage, wrong codes).
 */
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { ClassroomLink } from '../../src/join/classroom-link';
import type { JoinInfo } from '../../src/join/classroom-link';
import { RemoteLog } from '../../src/join/remote-log';
import { RawPop3 } from '../../test/helpers/raw-pop3';

/** What a learner's session sends: lesson 8's path through a maildrop (RFC 1939 §5, §6). */
const SCRIPT: readonly { line: string; multiline: boolean }[] = [
  { line: 'USER alice', multiline: false },
  { line: 'PASS wonderland', multiline: false },
  { line: 'STAT', multiline: false },
  { line: 'LIST', multiline: true },
  { line: 'UIDL', multiline: true },
  { line: 'TOP 1 0', multiline: true },
  { line: 'RETR 1', multiline: true },
  { line: 'DELE 2', multiline: false },
  { line: 'RSET', multiline: false },
  { line: 'QUIT', multiline: false },
];

/** Lessons whose start state a learner asks for, as `.lesson N` does. */
const LESSON_STATES = [undefined, { mailboxes: { alice: ['welcome', 'thread-question', 'thread-reply'] } }, { mailboxes: { alice: 'seed' } }] as const;

/** What the load measured. */
export interface LoadFigures {
  latencies: number[];
  /** The same latencies by command keyword, to see which commands make the tail. */
  byKeyword: Record<string, number[]>;
  /** Replies from learners with a delay fault on (excluded from the latency figure). */
  faultedLatencies: number[];
  sessions: number;
  progressReports: number;
  errors: string[];
  /** Milliseconds from a progress report's send to the dashboard row that shows it. */
  dashboardDelays: number[];
  misbehaving: { slow: number; garbage: number; wrongCodes: number; wrongCodeAnswers: Record<string, number> };
}

/** The room under load. */
export interface LoadOptions {
  host: string;
  port: number;
  pin: string;
  codes: readonly string[];
  /** Learners (by index) with a delay fault on. */
  faulted: ReadonlySet<number>;
  until: number;
  pace: { minMs: number; maxMs: number };
  figures: LoadFigures;
  /** Called with (learner index, failedChecks value, send time) for each progress report. */
  reported(learner: number, marker: number, sentAt: number): void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const between = (min: number, max: number): number => min + Math.random() * (max - min);

/** A joined learner: the link, and its session-log stream open as a REPL's is. */
export async function joinLearner(host: string, port: number, pin: string, code: string, device: string): Promise<{ link: ClassroomLink; log: RemoteLog; info: JoinInfo }> {
  const link = await ClassroomLink.open({ host, port, pin }, code);
  const info = await link.request<JoinInfo>('POST', 'join', { device });
  return { link, log: new RemoteLog(link, info), info };
}

/** One learner at a human pace until `until`: lesson states, POP3 sessions through the forward, syncs, progress reports. */
export async function runLearner(index: number, joined: { link: ClassroomLink; log: RemoteLog }, options: LoadOptions): Promise<void> {
  const { link, log } = joined;
  const { figures } = options;
  const faulted = options.faulted.has(index);
  let marker = 0;
  await sleep(between(0, options.pace.maxMs));
  while (Date.now() < options.until) {
    try {
      await link.request('POST', 'state', { state: LESSON_STATES[Math.floor(Math.random() * LESSON_STATES.length)] ?? null });
      const { socket } = await link.openForward(false);
      const pop = RawPop3.wrap(socket, { timeoutMs: 15_000 });
      const greeting = await pop.readLine();
      if (!greeting.startsWith('+OK')) throw new Error(`greeting ${greeting}`);
      for (const { line, multiline } of SCRIPT) {
        await sleep(between(options.pace.minMs, options.pace.maxMs));
        const start = performance.now();
        const reply = multiline ? (await pop.multiline(line)).status : await pop.command(line);
        const took = performance.now() - start;
        if (faulted) figures.faultedLatencies.push(took);
        else {
          figures.latencies.push(took);
          (figures.byKeyword[line.split(' ')[0]!] ??= []).push(took);
        }
        if (!reply.startsWith('+OK')) throw new Error(`${line}: ${reply}`);
        // The REPL waits for the log before it checks the goals (src/join/remote-log.ts).
        await log.sync();
      }
      pop.destroy();
      figures.sessions++;
      marker++;
      const sentAt = Date.now();
      options.reported(index, marker, sentAt);
      await link.request('POST', 'progress', {
        progress: { formatVersion: 2, current: '08-dele-rset-quit', lessons: { '08-dele-rset-quit': { status: 'started', hints: {}, failedChecks: marker, goals: {} } } },
      });
      figures.progressReports++;
      await link.request('POST', 'activity', { lesson: '08-dele-rset-quit', evaluations: SCRIPT.length });
    } catch (error) {
      figures.errors.push(`learner ${index}: ${(error as Error).message}`);
      await sleep(1_000);
    }
  }
}

/** Reads the instructor's event stream; `onRows` gets each row update with its arrival time. */
export function watchDashboard(host: string, port: number, token: string, onRows: (rows: { id: string; lessons: Record<string, { failedChecks: number }> }[], at: number) => void): () => void {
  const socket = net.connect({ host, port });
  socket.setEncoding('utf8');
  socket.write(`GET /api/instructor/events HTTP/1.1\r\nHost: ${host}:${port}\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\n\r\n`);
  let buffer = '';
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!block.includes('event: rows')) continue;
      const data = /\ndata: (.*)$/.exec(block)?.[1];
      if (data) onRows((JSON.parse(data) as { rows: { id: string; lessons: Record<string, { failedChecks: number }> }[] }).rows, Date.now());
    }
  });
  socket.on('error', () => undefined);
  return () => socket.destroy();
}

/** A client that opens connections and sends a request line, then one header byte every few seconds (slowloris). */
export async function runSlowClient(options: LoadOptions): Promise<void> {
  while (Date.now() < options.until) {
    await new Promise<void>((resolve) => {
      const socket = net.connect({ host: options.host, port: options.port }, () => socket.write('GET /ca.pem HTTP/1.1\r\nHost: x\r\nX-Slow: '));
      const drip = setInterval(() => socket.write('a'), 2_000);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(drip);
        options.figures.misbehaving.slow++;
        resolve();
      });
      setTimeout(() => socket.destroy(), Math.max(0, options.until - Date.now())).unref();
    });
  }
}

/** A client that sends random bytes, plain or as a broken TLS handshake, over and over. */
export async function runGarbageClient(options: LoadOptions): Promise<void> {
  while (Date.now() < options.until) {
    await new Promise<void>((resolve) => {
      const bytes = randomBytes(1024);
      if (Math.random() < 0.5) bytes[0] = 0x16;
      const socket = net.connect({ host: options.host, port: options.port }, () => socket.write(bytes));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        options.figures.misbehaving.garbage++;
        resolve();
      });
      setTimeout(() => socket.destroy(), 3_000).unref();
    });
    await sleep(200);
  }
}

/** A client that tries join codes it does not have, as fast as the classroom answers. */
export async function runWrongCodeClient(ca: string, options: LoadOptions): Promise<void> {
  while (Date.now() < options.until) {
    const status = await new Promise<string>((resolve) => {
      const socket = tls.connect({ host: options.host, port: options.port, ca, checkServerIdentity: () => undefined }, () => {
        const code = randomBytes(4).toString('hex').toUpperCase();
        socket.write(`POST /api/learner/join HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${code.slice(0, 4)}-${code.slice(4)}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
      });
      let head = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (head += chunk));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 'cut'));
    });
    options.figures.misbehaving.wrongCodes++;
    options.figures.misbehaving.wrongCodeAnswers[status] = (options.figures.misbehaving.wrongCodeAnswers[status] ?? 0) + 1;
  }
}

