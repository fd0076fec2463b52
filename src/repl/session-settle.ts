import type { TranscriptEntry } from '../protocol/transcript';
import type { TranscriptLog } from './target';

/** How long to wait for the server to let go of closed sessions before going on anyway. */
export const SETTLE_TIMEOUT_MS = 1_000;

/** Sessions in the log that connected and have not closed yet. */
export function openSessions(entries: readonly TranscriptEntry[]): Set<string> {
  const open = new Set<string>();
  for (const e of entries) {
    if (e.direction !== '*') continue;
    if (e.keyword === 'CONNECT') open.add(e.session);
    else if (e.keyword === 'CLOSE') open.delete(e.session);
  }
  return open;
}

/**
 * Resolves once every session in the server's log has closed (its maildrop lock released,
 * RFC 1939 §8), or after `timeoutMs`. Used after the REPL closes its clients, so the next
 * login never meets [IN-USE] from a session that is still winding down.
 */
export function waitForSessionsClosed(log: TranscriptLog, timeoutMs = SETTLE_TIMEOUT_MS): Promise<void> {
  if (openSessions(log.entries).size === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      log.off('entry', onEntry);
      resolve();
    };
    const onEntry = (): void => {
      if (openSessions(log.entries).size === 0) done();
    };
    const timer = setTimeout(done, timeoutMs);
    timer.unref?.();
    log.on('entry', onEntry);
  });
}
