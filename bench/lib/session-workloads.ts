/**
 * The many-sessions workloads of the server suite, driven over raw sockets (bench/lib/raw-pop3.ts)
 * so that the sandbox and Dovecot meet exactly the same client.
 */
import type { BenchAccount } from './mail-fixtures';
import { RawPop3Session } from './raw-pop3';
import { percentile, secondsSince } from './stats';
import type { Target } from './targets';
import { describeError } from './failure-text';

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
      let session: RawPop3Session | undefined;
      try {
        session = await RawPop3Session.open(target.host, target.port);
        await session.login(account.name, account.password);
        await session.expectOk('UIDL', true);
        await session.quit();
        completed++;
      } catch (error) {
        session?.destroy();
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
    let session: RawPop3Session | undefined;
    try {
      session = await RawPop3Session.open(target.host, target.port);
      await session.login(account.name, account.password);
      await session.expectOk('UIDL', true);
      await session.quit();
    } catch {
      session?.destroy();
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
  const sessions: RawPop3Session[] = [];
  let failedToOpen = 0;
  let firstError: string | undefined;
  const openStart = process.hrtime.bigint();
  await forEachLimited(accounts, openConcurrency, async (account) => {
    let session: RawPop3Session | undefined;
    try {
      session = await RawPop3Session.open(target.host, target.port);
      await session.login(account.name, account.password);
      sessions.push(session);
    } catch (error) {
      session?.destroy();
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
      const session = sessions[(i * stride) % sessions.length] as RawPop3Session;
      const start = process.hrtime.bigint();
      await session.expectOk('NOOP');
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
        await session.quit();
      } catch {
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
