import type { Keyword } from '../../src/protocol';
import { COMMANDS } from '../../src/protocol';
import type { StatusReply } from '../reply';
import { err } from '../reply';
import { apop, pass, quit, user } from './authorization';
import { capa, stls, utf8 } from './capabilities';
import { auth } from './sasl-auth';
import { dele, list, noop, retr, rset, stat, top, uidl } from './transaction';
import type { Command, Handler } from './types';

/** RPOP and LAST (RFC 1081 §5): RFC 1460 removed RPOP (adding APOP), RFC 1725 removed LAST; the reply says what replaced them. */
export function obsolete(command: Command): StatusReply {
  const spec = COMMANDS[command.keyword];
  return err(`${command.keyword} is obsolete (${spec.rfc.replace('§', 'section ')}): ${'obsolete' in spec ? spec.obsolete : 'removed from POP3'}`);
}

/** One handler per keyword of the command table. */
export const HANDLERS = {
  USER: user,
  PASS: pass,
  APOP: apop,
  QUIT: quit,
  STAT: stat,
  LIST: list,
  RETR: retr,
  DELE: dele,
  NOOP: noop,
  RSET: rset,
  TOP: top,
  UIDL: uidl,
  CAPA: capa,
  STLS: stls,
  AUTH: auth,
  UTF8: utf8,
  RPOP: obsolete,
  LAST: obsolete,
} as const satisfies Record<Keyword, Handler>;

export { continueSasl } from './sasl-auth';
export { listCapabilities } from './capabilities';
export type { Command, Handler, SaslState, SessionContext } from './types';
