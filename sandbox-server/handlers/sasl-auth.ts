import { printable } from '../display';
import { continuation, err } from '../reply';
import type { Reply } from '../reply';
import type { SaslStep } from '../sasl';
import { decodeBase64Strict, findMechanism, SASL_MECHANISMS, SaslError } from '../sasl';
import { cleartextAllowed, cleartextRefused, completeLogin, failLogin } from './login';
import type { Handler, SessionContext } from './types';

/** Turns one step of the exchange into the reply: a challenge, or the end of the login. */
function proceed(session: SessionContext, step: SaslStep): Reply | Promise<Reply> {
  if (step.kind === 'challenge') return continuation(step.challenge);
  session.sasl = undefined;
  return completeLogin(session, step.user, (account) => step.verify(account.password), 'authentication failed');
}

/** A malformed response ends the exchange with -ERR (RFC 5034 §4), after the failed-login pause. */
function refuse(session: SessionContext, error: unknown): Reply | Promise<Reply> {
  session.sasl = undefined;
  if (!(error instanceof SaslError)) throw error;
  if (error.responseCode === 'AUTH') return failLogin(session, error.message);
  return err(`AUTH failed: ${error.message}`);
}

/**
 * RFC 5034 §4 AUTH mechanism [initial-response]: starts a SASL exchange. The session sends
 * continuations and hands every following line to {@link continueSasl} until it ends.
 */
export const auth: Handler = (command, session) => {
  const [name, initial] = command.args as [string, string | undefined];
  const mechanism = findMechanism(name);
  if (!mechanism) {
    const offered = SASL_MECHANISMS.filter((m) => cleartextAllowed(session) || !m.cleartext).map((m) => m.name);
    return err(`unknown SASL mechanism "${printable(name)}"; this server offers ${offered.join(' ')} (see CAPA)`);
  }
  if (mechanism.cleartext && !cleartextAllowed(session)) return cleartextRefused(`AUTH ${mechanism.name}`);
  if (initial !== undefined && !mechanism.initialResponse) {
    return err(`${mechanism.name} takes no initial response (RFC 5034 section 4); send AUTH ${mechanism.name} alone`);
  }
  const exchange = mechanism.begin(session.server.timestampHost, session.server.crypto);
  session.sasl = { mechanism, exchange };
  try {
    // RFC 5034 §4: "=" is an empty initial response.
    const decoded = initial === undefined ? undefined : initial === '=' ? Buffer.alloc(0) : decodeBase64Strict(initial);
    return proceed(session, exchange.start(decoded));
  } catch (error) {
    return refuse(session, error);
  }
};

/** One client line during a SASL exchange: base64, or `*` to cancel (RFC 5034 §4). */
export function continueSasl(line: string, session: SessionContext): Reply | Promise<Reply> {
  const state = session.sasl;
  if (!state) throw new Error('no SASL exchange in progress');
  if (line === '*') {
    session.sasl = undefined;
    return err('AUTH cancelled by the client');
  }
  try {
    return proceed(session, state.exchange.respond(decodeBase64Strict(line)));
  } catch (error) {
    return refuse(session, error);
  }
}
