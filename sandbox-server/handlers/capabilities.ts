import { err, linesBody, ok } from '../reply';
import { SASL_MECHANISMS } from '../sasl';
import { cleartextAllowed } from './login';
import type { Handler, SessionContext } from './types';

/** RFC 2449 §6.9: informational only. */
export const IMPLEMENTATION = 'pop3-playground-sandbox';

/**
 * The capability list (RFC 2449 §6). The same before and after login, USER and SASL included
 * (RFC 5034 §3); STLS disappears once TLS is active, and is absent where TLS cannot start
 * (RFC 2595 §4); USER and the cleartext SASL mechanisms are hidden while cleartext login is
 * refused (RFC 2595 §2.3, §6).
 */
export function listCapabilities(session: SessionContext): string[] {
  const { config, faults } = session.server;
  const cleartext = cleartextAllowed(session);
  const mechanisms = SASL_MECHANISMS.filter((m) => cleartext || !m.cleartext).map((m) => m.name);
  const capabilities = ['TOP', 'UIDL'];
  if (cleartext) capabilities.push('USER');
  capabilities.push(`SASL ${mechanisms.join(' ')}`, 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING');
  // RFC 2595 §4: offered only where this connection can start TLS.
  if (session.stlsRefusal === undefined) capabilities.push('STLS');
  capabilities.push('UTF8');
  // RFC 2449 §6.7: mail is kept until the client deletes it.
  capabilities.push('EXPIRE NEVER');
  // RFC 2449 §6.5: announced only while a delay is in force, and then enforced.
  const faultDelay = faults.advertisedLoginDelay();
  const seconds = Math.max(config.loginDelaySeconds, faultDelay?.seconds ?? 0);
  if (seconds > 0) capabilities.push(faultDelay?.perUser && faultDelay.seconds > config.loginDelaySeconds ? `LOGIN-DELAY ${seconds} USER` : `LOGIN-DELAY ${seconds}`);
  capabilities.push(`IMPLEMENTATION ${IMPLEMENTATION}`);
  return capabilities;
}

/** RFC 2449 §5 CAPA. */
export const capa: Handler = (_command, session) => ok('Capability list follows', { body: linesBody(listCapabilities(session)) });

/** RFC 2595 §4 STLS: the handshake starts right after this +OK; the session discards buffered input. */
export const stls: Handler = (_command, session) => {
  const refusal = session.stlsRefusal;
  if (refusal !== undefined) return err(refusal);
  return ok('Begin TLS negotiation now', { after: 'starttls' });
};

/** RFC 6856 §2 UTF8: from now on, messages with raw UTF-8 headers are sent as they are. */
export const utf8: Handler = (_command, session) => {
  if (session.utf8) return ok('already in UTF-8 mode');
  session.utf8 = true;
  return ok('UTF-8 mode on: messages with raw UTF-8 headers are sent unchanged');
};
