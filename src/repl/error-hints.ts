import type { ErrorFact } from '../tutor/facts';
import { describeTsError, importHint, NOT_DECLARED_HINT, undeclaredName } from './diagnostic-hints';
import { DEFAULT_HINT_CONTEXT, scoped } from './hint-context';
import type { HintContext, ScopedHint } from './hint-context';
import { isTsError } from './ts-error';

/** A learner-facing account of an error: one line, an optional hint, and its stable codes. */
export interface FriendlyError {
  message: string;
  hint?: string;
  fact: ErrorFact;
}

interface ErrorLike {
  name?: string;
  message?: string;
  code?: unknown;
  responseCode?: unknown;
  command?: unknown;
  reply?: { line?: unknown };
  cause?: unknown;
}

type Hint = string | ScopedHint;

// Hints for -ERR replies, by response code (RFC 2449 §8, RFC 3206).
const RESPONSE_CODE_HINTS: Record<string, Hint> = {
  'IN-USE': 'Another session holds this maildrop (RFC 1939 §4: one session at a time holds the maildrop lock). End it with `await pop.quit()`, or `.reset` to close every session the REPL opened.',
  'LOGIN-DELAY': { embedded: 'The server limits how often you may log in (RFC 2449 §8.1.1). Wait, or `.reset` the lesson.', server: 'The server limits how often you may log in (RFC 2449 §8.1.1): wait as long as CAPA\'s LOGIN-DELAY says.' },
  AUTH: { embedded: 'The name or password was refused. The accounts are listed in `sandbox.accounts`.', server: 'The name or password was refused. With a real provider this is often an app password, not the one you sign in with on the web.' },
  'SYS/TEMP': 'A temporary server problem (RFC 3206 §4): trying again later may work.',
  'SYS/PERM': 'A permanent server problem (RFC 3206 §4): trying again will not help.',
  UTF8: 'The server wants UTF-8 mode first: `await pop.utf8()` (RFC 6856).',
};

// Hints for the project's stable error codes, whichever side raised them.
const CODE_HINTS: Record<string, Hint> = {
  ERR_REPLY: 'A -ERR is an ordinary answer: its text says why. `.trace on` shows the whole dialogue.',
  CONNECTION_CLOSED: 'The connection is gone. Connect again: `const pop = await connect(sandbox)` (declaring a name again is fine).',
  NOT_CONNECTED: 'This client is closed. Connect again: `const pop = await connect(sandbox)`.',
  WRONG_STATE: 'That command does not fit this session now; `pop.state` says which state it is in (RFC 1939 §3).',
  TIMEOUT: 'No reply in time, so the client closed the connection (`err.kind`: `idle` when nothing came, `deadline` when it came too slowly). Connect again.',
  CLEARTEXT_REFUSED: 'The client will not send a password in cleartext to this host: use `tls: true`, `starttls: "required"`, or `allowCleartext: true` if you accept the risk.',
  // Used when the cause's code is none of TLS_CAUSE_HINTS'.
  TLS_FAILED: {
    embedded:
      'The TLS handshake failed; `err.cause.code` says why. For the sandbox: `tls: true` goes with `port: sandbox.tlsPort`, its CA must be trusted (`ca: sandbox.ca`, which `connect(sandbox)` passes), and the host must be one its certificate names.',
    server: 'The TLS handshake failed; `err.cause.code` says why. A server whose certificate this computer does not trust needs its CA: start the playground with `--ca FILE` (the CA\'s PEM).',
  },
  CAPABILITY_MISSING: 'The server does not offer that capability: `await pop.capa()` lists what it does (RFC 2449 §5).',
  INVALID_ARGUMENT: 'An argument would break the command line (CR, LF or NUL, or a bad message-number). Message-numbers are whole numbers from 1.',
  LINE_TOO_LONG: 'The peer sent a line over the limit (RFC 1939 §3: 512 octets for status lines).',
  MALFORMED_REPLY: 'The reply did not follow the format of RFC 1939 §3; `.trace on` shows the line.',
  MESSAGE_TOO_LARGE: 'The message is bigger than `maxMessageSize`; use `pop.retrStream(n)` to read it in pieces.',
  ECONNREFUSED: { embedded: 'Nothing is listening there. For the embedded sandbox use `await connect(sandbox)`.', server: 'Nothing is listening there: check the host and port given with `--server`.' },
  ECONNRESET: 'The server dropped the connection. Connect again.',
  ABORT_ERR: 'Cancelled. The connections that were waiting were closed; connect again.',
  ABORTED: 'Cancelled (`err.cause` says why). A command cancelled while its reply was on the way closes the connection; connect again.',
  UNSOLICITED_REPLY: 'The server sent a line no command asked for, so the client closed the connection rather than pair the replies wrongly (RFC 1939 §3). Connect again.',
  EVAL_INTERRUPTED: 'Your variables and progress are kept. Loops that never end need a way out (a `break` or a counter).',
};

const UNTRUSTED_CERTIFICATE_HINT: Hint = {
  embedded: 'The certificate was not trusted: the sandbox signs with its own CA, so pass `ca: sandbox.ca` (or just `connect(sandbox)`).',
  server: 'The certificate was not trusted by this computer: start the playground with `--ca FILE`, the PEM of the CA that signed it.',
};
const PLAIN_PORT_HINT: Hint = {
  embedded:
    'No TLS came back: that port speaks plain POP3. Implicit TLS has its own port, `port: sandbox.tlsPort` (RFC 8314 §3.1); on the plain port connect without `tls` and upgrade with `await pop.stls()` (RFC 2595 §4).',
  server: 'No TLS came back: that port speaks plain POP3. Implicit TLS has its own port, usually 995 (RFC 8314 §3.1); on the plain port upgrade with `await pop.stls()` (RFC 2595 §4).',
};

// Hints for TLS_FAILED by the code of its cause (Node's TLS and OpenSSL codes): the fix depends
// on what failed, the trust, the name, or the port.
const TLS_CAUSE_HINTS: Record<string, Hint> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: UNTRUSTED_CERTIFICATE_HINT,
  UNABLE_TO_GET_ISSUER_CERT: UNTRUSTED_CERTIFICATE_HINT,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: UNTRUSTED_CERTIFICATE_HINT,
  SELF_SIGNED_CERT_IN_CHAIN: UNTRUSTED_CERTIFICATE_HINT,
  DEPTH_ZERO_SELF_SIGNED_CERT: UNTRUSTED_CERTIFICATE_HINT,
  CERT_UNTRUSTED: UNTRUSTED_CERTIFICATE_HINT,
  ERR_TLS_CERT_ALTNAME_INVALID: {
    embedded:
      'The certificate does not name the host you asked for, and a client must check that it does (RFC 2595 §2.4). Connect by a name it lists: the sandbox\'s are `localhost` and `127.0.0.1` (`sandbox.host`). Never turn the check off with `rejectUnauthorized: false`.',
    server: 'The certificate does not name the host you asked for, and a client must check that it does (RFC 2595 §2.4). Connect by the name the server\'s certificate lists. Never turn the check off with `rejectUnauthorized: false`.',
  },
  CERT_HAS_EXPIRED: 'The certificate is past its validity dates (or this computer\'s clock is wrong): the server needs a new one.',
  CERT_NOT_YET_VALID: 'The certificate is not valid yet (or this computer\'s clock is wrong): check the date.',
  ERR_SSL_WRONG_VERSION_NUMBER: PLAIN_PORT_HINT,
  EPROTO: PLAIN_PORT_HINT,
};

/** The TLS_FAILED hint for what actually failed, by the cause's code. */
function tlsHint(cause: unknown): Hint | undefined {
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return (typeof code === 'string' ? TLS_CAUSE_HINTS[code] : undefined) ?? CODE_HINTS.TLS_FAILED;
}

/**
 * Turns anything thrown at the prompt into one friendly line and a hint keyed on stable
 * codes (`err.code`, `err.responseCode`, TypeScript diagnostic numbers), worded for the server
 * the REPL talks to (`context`).
 */
export function describeError(error: unknown, context: HintContext = DEFAULT_HINT_CONTEXT): FriendlyError {
  if (isTsError(error)) return describeTsError(error, context);
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : e.name === 'AbortError' ? 'ABORT_ERR' : (e.name ?? 'Error');
  const responseCode = typeof e.responseCode === 'string' ? e.responseCode : undefined;
  const firstLine = (e.message ?? '').split('\n')[0] ?? '';
  const undeclared = e.name === 'ReferenceError' ? undeclaredName({ message: firstLine }) : undefined;
  const cause = typeof e.cause === 'object' && e.cause !== null ? (e.cause as { code?: unknown }).code : undefined;
  const fact: ErrorFact = { code, ...(responseCode ? { responseCode } : {}), ...(undeclared ? { name: undeclared } : {}), ...(typeof cause === 'string' ? { cause } : {}) };
  if (code === 'ERR_REPLY') {
    const line = typeof e.reply?.line === 'string' ? e.reply.line : firstLine;
    const command = typeof e.command === 'string' ? `${e.command}: ` : '';
    const hint = scoped((responseCode && (RESPONSE_CODE_HINTS[responseCode] ?? RESPONSE_CODE_HINTS[responseCode.split('/')[0] ?? ''])) || CODE_HINTS.ERR_REPLY, context);
    return { message: `The server answered ${command}${line}`, fact, ...(hint ? { hint } : {}) };
  }
  const hint = scoped(code === 'TLS_FAILED' ? tlsHint(e.cause) : CODE_HINTS[code], context) ?? (undeclared !== undefined ? (importHint(undeclared, context) ?? NOT_DECLARED_HINT) : undefined);
  // Our errors carry a code and a message written for learners; plain JavaScript errors keep their name.
  const label = !(code in CODE_HINTS) && e.name && e.name !== 'Error' && !firstLine.startsWith(e.name) ? `${e.name}: ` : '';
  return { message: `${label}${firstLine || code}`, fact, ...(hint ? { hint } : {}) };
}
