/**
 * The many-sessions workloads of the server suite, driven over raw sockets by the same raw POP3
 * peer as the server tests (test/helpers/raw-pop3.ts), so that the sandbox and Dovecot meet
 * exactly the same client, and not the client under development.
 */
import { RawPop3 } from '../../test/helpers/raw-pop3';
import type { BenchAccount } from './mail-fixtures';
import { percentile, secondsSince } from './stats';
import type { Target } from './targets';
import { describeError } from './failure-text';

/** How long one reply may take under 1,000 open sessions before the session counts as failed. */
const COMMAND_TIMEOUT_MS = 30_000;

/** Connects and logs in with USER and PASS; throws unless the greeting and both replies are +OK. */
async function openSession(target: Target, account: BenchAccount): Promise<RawPop3> {
  const session = await RawPop3.connect(target.port, target.host, { timeoutMs: COMMAND_TIMEOUT_MS });
  try {
    await session.login(account.name, account.password);
  } catch (error) {
    session.destroy();
    throw error;
  }
  return session;
}

/** Sends a command and throws unless the server answers +OK (reading the whole body when `multiline`). */
async function expectOk(session: RawPop3, line: string, multiline = false): Promise<void> {
  const status = multiline ? (await session.multiline(line)).status : await session.command(line);
  if (!status.startsWith('+OK')) throw new Error(`${line.split(' ')[0]} answered ${status}`);
}

/** One login + UIDL + QUIT session. */
async function uidlSession(target: Target, account: BenchAccount): Promise<void> {
  const session = await openSession(target, account);
  try {
    await expectOk(session, 'UIDL', true);
    await expectOk(session, 'QUIT');
  } finally {
    session.destroy();
  }
}

/** Result of the sessions/s workload. */
export interface SessionRate {
  sessionsPerSecond: number;
  completed: number;
  failed: number;
  seconds: number;
  firstError?: string;
}

const MAX_FAILURES = 200;

/**
 * `parallel` workers each run login + UIDL + QUIT sessions back to back for `durationMs`.
 * Worker w cycles through accounts w, w+parallel, w+2*parallel, ... so no two sessions want
 * the same maildrop lock (RFC 1939 §4) at once, and a lock still being released after QUIT
 * is not met by the next login.
 */
export async function measureSessionRate(target: Target, accounts: readonly BenchAccount[], parallel: number, durationMs: number): Promise<SessionRate> {
  const start = process.hrtime.bigint();
  const deadline = Date.now() + durationMs;
  let completed = 0;
  let failed = 0;
  let firstError: string | undefined;
  const worker = async (w: number): Promise<void> => {
    for (let k = 0; Date.now() < deadline && failed < MAX_FAILURES; k++) {
      const account = accounts[(w + k * parallel) % accounts.length] as BenchAccount;
      try {
        await uidlSession(target, account);
        completed++;
      } catch (error) {
        failed++;
        firstError ??= describeError(error);
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, (_, w) => worker(w)));
  const seconds = secondsSince(start);
  return { sessionsPerSecond: completed / seconds, completed, failed, seconds, firstError };
}

/**
 * One login + UIDL + QUIT per account, `parallel` at a time, untimed: the first login to a
 * maildrop may build indexes (Dovecot) or warm caches, which is not what sessions/s measures.
 * Resolves to the number of failed sessions.
 */
export async function warmAccounts(target: Target, accounts: readonly BenchAccount[], parallel: number): Promise<number> {
  let failed = 0;
  await forEachLimited(accounts, parallel, async (account) => {
    try {
      await uidlSession(target, account);
    } catch {
      failed++;
    }
  });
  return failed;
}

/** Result of the NOOP-latency workload. */
export interface NoopLatency {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  samples: number;
  sessionsOpen: number;
  openSeconds: number;
  failedToOpen: number;
  firstError?: string;
}

/** Runs `task` over `items` with at most `limit` in flight. */
async function forEachLimited<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * Opens one logged-in session per account (all held open at once), then times `samples` NOOP
 * round trips one after another, spread over the open sessions; finally QUITs them all.
 */
export async function measureNoopLatency(target: Target, accounts: readonly BenchAccount[], samples: number, openConcurrency: number): Promise<NoopLatency> {
  const sessions: RawPop3[] = [];
  let failedToOpen = 0;
  let firstError: string | undefined;
  const openStart = process.hrtime.bigint();
  await forEachLimited(accounts, openConcurrency, async (account) => {
    try {
      sessions.push(await openSession(target, account));
    } catch (error) {
      failedToOpen++;
      firstError ??= describeError(error);
    }
  });
  const openSeconds = secondsSince(openStart);
  try {
    if (sessions.length === 0) throw new Error(`no session could be opened: ${firstError ?? 'unknown error'}`);
    const latencies: number[] = [];
    // A stride co-prime with the session count visits every session before repeating one.
    const stride = findCoprimeStride(sessions.length);
    for (let i = 0; i < samples; i++) {
      const session = sessions[(i * stride) % sessions.length] as RawPop3;
      const start = process.hrtime.bigint();
      await expectOk(session, 'NOOP');
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return {
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: Math.max(...latencies),
      samples: latencies.length,
      sessionsOpen: sessions.length,
      openSeconds,
      failedToOpen,
      firstError,
    };
  } finally {
    await forEachLimited(sessions, 50, async (session) => {
      try {
        await expectOk(session, 'QUIT');
      } catch {
        // The figures are taken; a failed QUIT changes none of them.
      } finally {
        session.destroy();
      }
    });
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function findCoprimeStride(n: number): number {
  for (let stride = 7919; stride > 1; stride--) {
    if (gcd(stride, n) === 1) return stride;
  }
  return 1;
}
