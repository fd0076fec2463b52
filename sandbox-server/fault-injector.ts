import type { Keyword } from '../src/protocol';
import type { SessionContext } from './handlers/types';
import type { StatusReply } from './reply';
import { err } from './reply';
import { sleep } from './timers';

/**
 * The faults of the table in src/protocol/faults.ts at work: one function per hook, each
 * reading the faults in force for the session now. Every fault marks what it changed in the
 * session log (a `fault` field, and a `FAULT` event when it ends or stops the conversation).
 */

/** What a fault hook sees of a session. */
export type FaultedSession = Pick<SessionContext, 'faults' | 'logEvent'>;

/** A session's progress as the counting faults see it; the session owns it. */
export interface FaultProgress {
  /** Status replies written (the greeting and SASL continuations not counted). */
  answered: number;
  /** True once `stall` took effect: lines are still read and logged, never answered. */
  stalled: boolean;
}

/**
 * `before-dispatch`, for each line read: under `stall`/`stall-after=N` (once N replies are out)
 * the session has stalled and the line is never answered; under `fail=CMD` a command whose
 * state and arguments checked out (`command`) is refused instead of run.
 * @returns `'stall'`, the refusal to send instead of running the handler, or undefined.
 */
export function beforeDispatch(session: FaultedSession, progress: FaultProgress, command: Keyword | undefined): 'stall' | StatusReply | undefined {
  const faults = session.faults();
  const limit = faults.stallAfterCommands;
  if (!progress.stalled && limit !== undefined && progress.answered >= limit) {
    progress.stalled = true;
    session.logEvent('FAULT', `FAULT stall-after=${limit}: commands are read but no longer answered`, { fault: `stall-after=${limit}` });
  }
  if (progress.stalled) return 'stall';
  if (command !== undefined && faults.failCommands?.includes(command)) {
    return err(`${command} failed on purpose (injected fault: fail=${command}); try again later`, {
      code: 'SYS/TEMP',
      fault: `fail=${command}`,
    });
  }
  return undefined;
}

/**
 * `before-reply`, for every reply the greeting included: under `delay=MS`, waits MS
 * milliseconds. @returns the mark for the reply's log entry once the wait is over, or
 * undefined at once when there is nothing to wait for (most replies: no promise is made).
 */
export function beforeReply(session: FaultedSession): Promise<string> | undefined {
  const ms = session.faults().delayMs;
  if (!ms) return undefined;
  return sleep(ms).then(() => `delay=${ms}`);
}

/**
 * `after-reply`: under `drop-after=N`, once N replies are out the connection is dropped.
 * @returns the reason to close with, or undefined.
 */
export function afterReply(session: FaultedSession, progress: FaultProgress): string | undefined {
  const limit = session.faults().dropAfterCommands;
  if (limit === undefined || progress.answered < limit) return undefined;
  session.logEvent('FAULT', `FAULT drop-after=${limit}: dropping the connection`, { fault: `drop-after=${limit}` });
  return `dropped on purpose (injected fault: drop-after=${limit})`;
}

/** Where `drop-mid-retr` cuts a body, and what the session logs and says as it drops the connection. */
export interface BodyCut {
  /** The mark for the reply's log entry. */
  readonly mark: string;
  /** Octets of the body sent before the connection drops. */
  readonly octets: number;
  /** Logs the fault; returns the reason to close with. Called once the cut body is out. */
  drop(): string;
}

/**
 * `mid-body`: under `drop-mid-retr`, a RETR body is cut about halfway and the connection
 * dropped, as a network failure would leave it. @returns the cut, or undefined.
 */
export function midBody(session: FaultedSession, keyword: string, bodyOctets: number): BodyCut | undefined {
  if (!session.faults().dropMidRetr || keyword !== 'RETR') return undefined;
  return {
    mark: 'drop-mid-retr',
    octets: Math.floor(bodyOctets / 2),
    drop() {
      session.logEvent('FAULT', 'FAULT drop-mid-retr: dropping the connection halfway through the message', { fault: 'drop-mid-retr' });
      return 'dropped on purpose (injected fault: drop-mid-retr)';
    },
  };
}

/**
 * `login`, once the credentials checked out: under `refuse-login=CODE`, the login is refused
 * with that response code (RFC 2449 §8.1.2 IN-USE, §8.1.1 LOGIN-DELAY).
 * @returns the refusal, or undefined.
 */
export function atLogin(session: FaultedSession): StatusReply | undefined {
  const refuse = session.faults().refuseLogin;
  if (refuse === 'IN-USE') {
    return err('maildrop is locked by another session (injected fault: refuse-login=IN-USE)', { code: 'IN-USE', fault: 'refuse-login=IN-USE' });
  }
  if (refuse === 'LOGIN-DELAY') {
    return err('logged in too recently; wait before logging in again (injected fault: refuse-login=LOGIN-DELAY)', {
      code: 'LOGIN-DELAY',
      fault: 'refuse-login=LOGIN-DELAY',
    });
  }
  return undefined;
}
