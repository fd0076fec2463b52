/**
 * What the docs site cannot run in the page, and why. The page's sandbox and client talk over
 * a MessagePort between two Web Workers: no TCP socket, so no TLS handshake and no certificate,
 * and no file system for a program the learner writes in an editor. The page says so rather
 * than pretending; the terminal playground runs these, and CI checks their outputs.
 */

/** Lessons whose examples and goals all need TLS (RFC 2595, RFC 8314). */
const NEEDS_TLS: ReadonlySet<string> = new Set(['10-tls']);

/** Where a lesson's goals and examples can run. */
export interface TerminalOnly {
  /** Why the page cannot check the goals, when it cannot. */
  goals?: string;
  /** Why the page cannot run the examples, when it cannot. */
  blocks?: string;
}

/** What of a lesson only the terminal can run: TLS lessons entirely (file exercises are not lessons: they have no page). */
export function terminalOnly(id: string): TerminalOnly {
  if (NEEDS_TLS.has(id)) {
    const reason = 'TLS needs a real connection with a certificate; the page’s sandbox runs in your browser over a MessagePort, without TLS.';
    return { goals: reason, blocks: reason };
  }
  return {};
}
