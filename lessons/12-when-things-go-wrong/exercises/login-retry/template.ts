/**
 * Retry with back-off. A correct login can still be refused for now: `-ERR [IN-USE]` while
 * another session holds the maildrop (RFC 1939 §4, RFC 2449 §8.1.1), `-ERR [LOGIN-DELAY]` when
 * the server wants fewer logins (RFC 2449 §8.1.2). A client then waits and tries again, a
 * little longer each time; any other refusal, a wrong password say, it reports at once.
 *
 * Write `loginWithRetry` below, then `npm run exercises -- watch login-retry` (or `.exercise
 * watch login-retry` in the playground). The check passes a `sleep` of its own: no real time
 * passes, so wait only through it.
 */
import { connect, Pop3ReplyError } from 'pop3-playground';
import type { Pop3Client } from 'pop3-playground';

/** What the check passes in. */
export interface RetryOptions {
  server: { host: string; port: number; ca?: string };
  user: string;
  password: string;
  /** At most this many logins. */
  attempts: number;
  /** The wait before the second attempt; each later wait is longer. */
  firstDelayMs: number;
  /** Waits `ms` milliseconds: use it, never a timer of your own. */
  sleep(ms: number): Promise<void>;
}

/** Logs in, trying again after [IN-USE] or [LOGIN-DELAY]; resolves with the logged-in client. */
export async function loginWithRetry(options: RetryOptions): Promise<Pop3Client> {
  // TODO 1: connect(options.server), then user() and pass(); return the client when it gets in.
  // TODO 2: when pass() rejects with a Pop3ReplyError whose responseCode is IN-USE or
  //         LOGIN-DELAY, close the client, `await options.sleep(delay)`, double the delay, and
  //         try again, at most options.attempts logins in all.
  // TODO 3: any other error, or the last attempt's: close the client and throw it.
  void connect;
  void Pop3ReplyError;
  throw new Error(`loginWithRetry is not written yet (${options.attempts} attempts)`);
}
