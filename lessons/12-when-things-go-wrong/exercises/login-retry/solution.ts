/**
 * Retry with back-off: a login refused with [IN-USE] (RFC 1939 §4, RFC 2449 §8.1.1) or
 * [LOGIN-DELAY] (RFC 2449 §8.1.2) is tried again after a wait that doubles each time, at most
 * `attempts` logins in all; any other refusal is thrown at once.
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

const LATER = new Set(['IN-USE', 'LOGIN-DELAY']);

/** Logs in, trying again after [IN-USE] or [LOGIN-DELAY]; resolves with the logged-in client. */
export async function loginWithRetry(options: RetryOptions): Promise<Pop3Client> {
  let delay = options.firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    const pop = await connect(options.server);
    try {
      await pop.user(options.user);
      await pop.pass(options.password);
      return pop;
    } catch (error) {
      pop.close();
      const later = error instanceof Pop3ReplyError && LATER.has(error.responseCode ?? '');
      if (!later || attempt >= options.attempts) throw error;
    }
    await options.sleep(delay);
    delay *= 2;
  }
}
