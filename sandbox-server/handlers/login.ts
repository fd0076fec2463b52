import type { Account } from '../accounts';
import { atLogin } from '../fault-injector';
import { Maildrop } from '../maildrop';
import { sleep } from '../timers';
import type { StatusReply } from '../reply';
import { err, ok } from '../reply';
import type { SessionContext } from './types';

/** The longest pause after failed logins, however many there were (unless configured longer). */
const MAX_FAILED_LOGIN_DELAY_MS = 1000;

/** RFC 2595 §2.3: with requireTls, no password may cross the wire before TLS. */
export function cleartextAllowed(session: SessionContext): boolean {
  return !session.server.config.requireTls || session.secure;
}

/** The refusal for a cleartext login attempted before TLS (RFC 2595 §2.3). */
export function cleartextRefused(what: string): StatusReply {
  return err(`${what} is disabled until TLS is active: send STLS first (RFC 2595 section 2.3), or use APOP`, { code: 'AUTH' });
}

/** Describes a maildrop's contents as RFC 1939's examples do: `2 messages (320 octets)`. */
export function describeMaildrop(count: number, size: number): string {
  return `${count} message${count === 1 ? '' : 's'} (${size} octets)`;
}

/**
 * A failed login: pause a little, growing with each failure (RFC 1939 §13 slows guessers), then
 * `-ERR [AUTH]` (RFC 3206 §5). The session stays in AUTHORIZATION so the learner can retry.
 */
export async function failLogin(session: SessionContext, text: string): Promise<StatusReply> {
  session.failedLogins += 1;
  const base = session.server.config.failedLoginDelayMs;
  const delay = Math.min(base * session.failedLogins, Math.max(base, MAX_FAILED_LOGIN_DELAY_MS));
  if (delay > 0) await sleep(delay);
  return err(text, { code: 'AUTH' });
}

/**
 * Completes a login once the mechanism has named the user: checks the credentials, injected
 * faults, LOGIN-DELAY and the maildrop lock, then takes the snapshot and enters TRANSACTION.
 * RFC 1939 §4: the lock is taken before +OK; on any failure it is released again.
 */
export async function completeLogin(
  session: SessionContext,
  name: string,
  verify: (account: Account) => boolean,
  failure: string,
): Promise<StatusReply> {
  const { server } = session;
  session.user = name;
  const account = server.accounts.find(name);
  if (!account || !verify(account)) return failLogin(session, failure);

  const refused = atLogin(session);
  if (refused) return refused;

  // RFC 2449 §6.5: LOGIN-DELAY, once announced, is enforced.
  const delaySeconds = server.config.loginDelaySeconds;
  const last = server.lastLogin.get(name);
  if (delaySeconds > 0 && last !== undefined) {
    const waitMs = last + delaySeconds * 1000 - Date.now();
    if (waitMs > 0) {
      return err(`logins to ${name} are limited to one every ${delaySeconds} seconds; try again in ${Math.ceil(waitMs / 1000)} seconds`, {
        code: 'LOGIN-DELAY',
      });
    }
  }

  // RFC 1939 §4: an exclusive-access lock on the maildrop, or -ERR [IN-USE] (RFC 2449 §8.1.2).
  let release = await server.storage.lock(name);
  // A session that ended without QUIT may still be letting go of the lock: the maildrop is not in use.
  const letting = server.releasing.get(name);
  if (!release && letting) {
    await letting;
    release = await server.storage.lock(name);
  }
  if (!release) {
    return err(`maildrop of ${name} is locked: another session is logged in to it (QUIT that one first)`, { code: 'IN-USE' });
  }
  let maildrop: Maildrop;
  try {
    maildrop = new Maildrop(await server.storage.list(name));
  } catch (error) {
    await release();
    return err(`cannot open the maildrop of ${name}: ${(error as Error).message}`, { code: 'SYS/TEMP' });
  }
  if (session.closed) {
    // The client went away while the maildrop was opening: nothing must stay locked.
    await release();
    return err('connection closed during login');
  }
  session.maildrop = maildrop;
  session.releaseLock = release;
  session.state = 'TRANSACTION';
  session.failedLogins = 0;
  server.lastLogin.set(name, Date.now());
  const { count, size } = maildrop.stat();
  return ok(`${name}'s maildrop has ${describeMaildrop(count, size)}`);
}
