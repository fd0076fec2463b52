import type { CryptoPort } from '../src/protocol';
import { Pop3Error, toHex, utf8Bytes } from '../src/protocol';

/**
 * SASL mechanisms for AUTH (RFC 5034): PLAIN (RFC 4616), LOGIN (draft-murchison-sasl-login)
 * and CRAM-MD5 (RFC 2195). Pure exchanges: bytes in, a challenge or an identity out.
 */

/** A client response the mechanism cannot use; the AUTH command fails with -ERR. */
export class SaslError extends Pop3Error {
  /** RFC 2449 §8 response code to send, if any. */
  readonly responseCode: string | undefined;
  constructor(message: string, responseCode?: string) {
    super('SASL_MALFORMED', message);
    this.responseCode = responseCode;
  }
}

/** What one step of an exchange produced. */
export type SaslStep =
  /** Send `+ base64(challenge)` and wait for the client's response. */
  | { kind: 'challenge'; challenge: Buffer }
  /** The exchange is over: the client claims to be `user`; `verify` checks it against the password. */
  | { kind: 'identity'; user: string; verify(password: string): boolean };

/** One running exchange. */
export interface SaslExchange {
  /** The first step, given the initial response if the client sent one (RFC 5034 §4). */
  start(initial: Buffer | undefined): SaslStep;
  /** Each later response line, decoded. */
  respond(response: Buffer): SaslStep;
}

/** A mechanism the server offers. */
export interface SaslMechanism {
  readonly name: string;
  /** True when the password itself crosses the wire (RFC 2595 §2.3, §6). */
  readonly cleartext: boolean;
  /** False when RFC 5034 §4 requires refusing an initial response. */
  readonly initialResponse: boolean;
  /** Starts an exchange; `host` names the server in challenges, `crypto` does the hashing and compares. */
  begin(host: string, crypto: CryptoPort): SaslExchange;
}

/** RFC 4616 §2: each of authzid, authcid and passwd may be up to 255 octets. */
const MAX_PLAIN_FIELD = 255;

/** Compares a received password with the account's (UTF-8) in constant time. */
function passwordMatches(crypto: CryptoPort, given: Uint8Array, password: string): boolean {
  return crypto.timingSafeEqual(given, utf8Bytes(password));
}

function decodeName(bytes: Buffer, what: string): string {
  const text = bytes.toString('utf8');
  if (bytes.length === 0 || !Buffer.from(text, 'utf8').equals(bytes) || /[\0-\x1f\x7f]/.test(text)) {
    throw new SaslError(`the ${what} must be non-empty UTF-8 without control characters`);
  }
  return text;
}

/** RFC 4616: `authzid NUL authcid NUL passwd`, in one response. */
const PLAIN: SaslMechanism = {
  name: 'PLAIN',
  cleartext: true,
  initialResponse: true,
  begin(_host, crypto) {
    const parse = (message: Buffer): SaslStep => {
      const first = message.indexOf(0);
      const second = first === -1 ? -1 : message.indexOf(0, first + 1);
      if (second === -1 || message.indexOf(0, second + 1) !== -1) {
        throw new SaslError('a PLAIN response is authzid NUL authcid NUL password (RFC 4616 section 2), base64-encoded');
      }
      const authzid = message.subarray(0, first);
      const authcid = message.subarray(first + 1, second);
      const passwd = message.subarray(second + 1);
      if (authzid.length > MAX_PLAIN_FIELD || authcid.length > MAX_PLAIN_FIELD || passwd.length > MAX_PLAIN_FIELD) {
        throw new SaslError('a PLAIN field is longer than 255 octets (RFC 4616 section 2)');
      }
      const user = decodeName(authcid, 'PLAIN authentication identity');
      if (passwd.length === 0) throw new SaslError('the PLAIN password is empty', 'AUTH');
      // RFC 4616 §2: acting for someone else (an authzid other than the user) is not offered here.
      if (authzid.length > 0 && !authzid.equals(authcid)) {
        throw new SaslError('logging in for another user (a PLAIN authzid) is not allowed here; leave the authzid empty', 'AUTH');
      }
      return { kind: 'identity', user, verify: (password) => passwordMatches(crypto, passwd, password) };
    };
    return {
      // RFC 5034 §4: no initial response means an empty challenge, "+ ".
      start: (initial) => (initial === undefined ? { kind: 'challenge', challenge: Buffer.alloc(0) } : parse(initial)),
      respond: parse,
    };
  },
};

/** The LOGIN mechanism: "Username:" then "Password:", each answered on its own line. */
const LOGIN: SaslMechanism = {
  name: 'LOGIN',
  cleartext: true,
  initialResponse: true,
  begin(_host, crypto) {
    let user: string | undefined;
    const USERNAME = { kind: 'challenge', challenge: Buffer.from('Username:') } as const;
    const PASSWORD = { kind: 'challenge', challenge: Buffer.from('Password:') } as const;
    return {
      start: (initial) => {
        if (initial === undefined) return USERNAME;
        user = decodeName(initial, 'LOGIN user name');
        return PASSWORD;
      },
      respond: (response) => {
        if (user === undefined) {
          user = decodeName(response, 'LOGIN user name');
          return PASSWORD;
        }
        const name = user;
        return { kind: 'identity', user: name, verify: (password) => passwordMatches(crypto, response, password) };
      },
    };
  },
};

/** RFC 2195: the server sends a msg-id challenge; the client answers `user HMAC-MD5(password, challenge)`. */
const CRAM_MD5: SaslMechanism = {
  name: 'CRAM-MD5',
  cleartext: false,
  initialResponse: false,
  begin(host, crypto) {
    const challenge = Buffer.from(`<${toHex(crypto.randomBytes(6))}.${Date.now()}@${host}>`);
    return {
      start: () => ({ kind: 'challenge', challenge }),
      respond: (response) => {
        const text = response.toString('utf8');
        const space = text.lastIndexOf(' ');
        const digest = text.slice(space + 1);
        if (space <= 0 || !/^[0-9a-f]{32}$/.test(digest)) {
          throw new SaslError('a CRAM-MD5 response is "user digest", the digest 32 lower-case hex digits of HMAC-MD5 (RFC 2195 section 2)');
        }
        const user = decodeName(Buffer.from(text.slice(0, space), 'utf8'), 'CRAM-MD5 user name');
        return {
          kind: 'identity',
          user,
          verify: (password) => {
            const expected = toHex(crypto.hmacMd5(utf8Bytes(password), challenge));
            return crypto.timingSafeEqual(utf8Bytes(expected), utf8Bytes(digest));
          },
        };
      },
    };
  },
};

/** The mechanisms offered, in the order CAPA lists them. */
export const SASL_MECHANISMS: readonly SaslMechanism[] = [PLAIN, LOGIN, CRAM_MD5];

/** Finds a mechanism by name (case-insensitive, RFC 4422 §3.1). */
export function findMechanism(name: string): SaslMechanism | undefined {
  const upper = name.toUpperCase();
  return SASL_MECHANISMS.find((m) => m.name === upper);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes base64 strictly (RFC 4648 §4, as RFC 5034 §4 requires): the standard alphabet, padding
 * only at the end, no spaces, and no stray bits in the last character.
 * @throws SaslError naming what is wrong.
 */
export function decodeBase64Strict(text: string): Buffer {
  if (!BASE64.test(text)) {
    throw new SaslError('the response is not valid base64 (RFC 4648 section 4: A-Z a-z 0-9 + /, padded with = to a multiple of 4)');
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) {
    throw new SaslError('the response is not canonical base64: its last character has bits set that carry no data');
  }
  return bytes;
}
