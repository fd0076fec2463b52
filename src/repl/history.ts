import * as path from 'node:path';
import type { REPLServer } from 'node:repl';

/**
 * True for a line that carries a password: a raw PASS, APOP or AUTH with an argument
 * (RFC 1939 §7, RFC 5034 §4), or a client call to pass, apop or auth.
 */
export function carriesSecret(line: string): boolean {
  return /^\s*(PASS|APOP|AUTH)\s+\S/i.test(line) || /\.(pass|apop|auth)\s*\(/.test(line);
}

/**
 * Saves line history in `<stateDir>/history`, leaving out lines that carry a password and the
 * responses typed to a SASL challenge (`awaitingSaslResponse` says the line answered one).
 */
export function keepHistory(server: REPLServer, stateDir: string, awaitingSaslResponse: () => boolean): void {
  server.setupHistory(path.join(stateDir, 'history'), () => {
    // No history is better than no REPL (e.g. a read-only state directory).
  });
  // Dropped from the in-memory list before it is written out, a moment later. A `*` cancels
  // the exchange and is no credential.
  server.on('line', (line: string) => {
    const history = (server as unknown as { history?: string[] }).history;
    const secret = carriesSecret(line) || (awaitingSaslResponse() && line !== '*');
    if (history && history[0] === line && secret) history.shift();
  });
}
