import { InvalidArgumentError, toHex, utf8Bytes } from '../protocol';
// The pure port: digests here cover a timestamp or a challenge of a few dozen octets, so it
// costs nothing noticeable, and it runs wherever the client does, browsers included.
import { pureCrypto } from '../ports/pure-crypto';

/** What a SASL mechanism may need; each mechanism reads the fields it uses. */
export interface SaslCredentials {
  username: string;
  password?: string;
  /** OAuth 2.0 bearer token, for XOAUTH2. */
  accessToken?: string;
  /** Authorization identity (RFC 4616 §2), for PLAIN; empty by default. */
  authzid?: string;
}

/** One SASL exchange in progress. */
export interface SaslExchange {
  /** The initial response (RFC 4422 §3.3), if the mechanism has one. */
  initialResponse?: Buffer;
  /** Answers a decoded server challenge. Throwing cancels the exchange with `*` (RFC 5034 §4). */
  respond(challenge: Buffer): Buffer;
}

/** A pluggable SASL mechanism (RFC 4422). */
export interface SaslMechanism {
  /** Registered name, upper-case, e.g. `PLAIN`. */
  readonly name: string;
  /** True when an eavesdropper learns the secret: refused in cleartext off loopback. */
  readonly revealsSecret: boolean;
  start(credentials: SaslCredentials): SaslExchange;
}

function need(value: string | undefined, field: string, mechanism: string): string {
  if (value === undefined) throw new InvalidArgumentError(`${mechanism} needs credentials.${field}`);
  return value;
}

/** RFC 4616: authzid NUL authcid NUL passwd, sent as the initial response. */
export const PLAIN: SaslMechanism = {
  name: 'PLAIN',
  revealsSecret: true,
  start(c) {
    const password = need(c.password, 'password', 'PLAIN');
    const initialResponse = Buffer.from(`${c.authzid ?? ''}\0${c.username}\0${password}`, 'utf8');
    return {
      initialResponse,
      respond: (challenge) => {
        // An empty challenge asks for the initial response we did not send (RFC 4422 §5).
        if (challenge.length === 0) return initialResponse;
        throw new InvalidArgumentError('PLAIN expects no challenge');
      },
    };
  },
};

/** The LOGIN mechanism (draft-murchison-sasl-login): user name, then password, one per challenge. */
export const LOGIN: SaslMechanism = {
  name: 'LOGIN',
  revealsSecret: true,
  start(c) {
    const password = need(c.password, 'password', 'LOGIN');
    let step = 0;
    return {
      respond: () => {
        step += 1;
        if (step === 1) return Buffer.from(c.username, 'utf8');
        if (step === 2) return Buffer.from(password, 'utf8');
        throw new InvalidArgumentError('LOGIN expects two challenges');
      },
    };
  },
};

/** RFC 2195: the reply is "user HMAC-MD5(password, challenge)" in lower-case hex. */
export const CRAM_MD5: SaslMechanism = {
  name: 'CRAM-MD5',
  revealsSecret: false,
  start(c) {
    const password = need(c.password, 'password', 'CRAM-MD5');
    let answered = false;
    return {
      respond: (challenge) => {
        if (answered) throw new InvalidArgumentError('CRAM-MD5 expects one challenge');
        answered = true;
        const digest = toHex(pureCrypto.hmacMd5(utf8Bytes(password), challenge));
        return Buffer.from(`${c.username} ${digest}`, 'utf8');
      },
    };
  },
};

/**
 * Google's and Microsoft's XOAUTH2: "user=U^Aauth=Bearer T^A^A". On failure the server sends
 * a JSON error as a challenge, and the client answers with an empty line to get the -ERR.
 */
export const XOAUTH2: SaslMechanism = {
  name: 'XOAUTH2',
  revealsSecret: true,
  start(c) {
    const token = need(c.accessToken, 'accessToken', 'XOAUTH2');
    return {
      initialResponse: Buffer.from(`user=${c.username}\x01auth=Bearer ${token}\x01\x01`, 'utf8'),
      respond: () => Buffer.alloc(0),
    };
  },
};

const MECHANISMS = new Map<string, SaslMechanism>(
  [PLAIN, LOGIN, CRAM_MD5, XOAUTH2].map((m) => [m.name, m]),
);

/** Adds or replaces a mechanism that `auth()` can then use by name. */
export function registerSaslMechanism(mechanism: SaslMechanism): void {
  MECHANISMS.set(mechanism.name.toUpperCase(), mechanism);
}

/** Finds a registered mechanism by name (case-insensitive). */
export function findSaslMechanism(name: string): SaslMechanism | undefined {
  return MECHANISMS.get(name.toUpperCase());
}

/** RFC 1939 §7: the APOP digest, MD5 of timestamp + secret, in lower-case hex. */
export function apopDigest(timestamp: string, password: string): string {
  return toHex(pureCrypto.md5(utf8Bytes(timestamp + password)));
}
