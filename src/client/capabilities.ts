/**
 * CAPA (RFC 2449 §5): one capability per line, a tag and optional arguments.
 * Tags are case-insensitive (RFC 2449 §5); unknown tags are kept in `raw` and `tags`.
 */

/** A minimum or maximum that may vary per user (RFC 2449 §6.5, §6.7: the `USER` flag). */
export interface PerUserValue<T> {
  value: T;
  /** True when the server said the value may differ per user (only sent before login). */
  perUser: boolean;
}

/** Parsed capabilities. Flags are false when the tag is absent. */
export interface Capabilities {
  /** RFC 2449 §6.1 TOP. */
  top: boolean;
  /** RFC 2449 §6.2 USER: USER/PASS login. */
  user: boolean;
  /** RFC 2449 §6.3 / RFC 5034 §6 SASL: mechanism names, upper-case. */
  sasl: string[];
  /** RFC 2449 §6.4 RESP-CODES. */
  respCodes: boolean;
  /** RFC 3206 §3 AUTH-RESP-CODE. */
  authRespCode: boolean;
  /** RFC 2449 §6.5 LOGIN-DELAY: minimum seconds between logins. */
  loginDelay?: PerUserValue<number>;
  /** RFC 2449 §6.6 PIPELINING. */
  pipelining: boolean;
  /** RFC 2449 §6.7 EXPIRE: days messages stay after retrieval, or 'NEVER'. */
  expire?: PerUserValue<number | 'NEVER'>;
  /** RFC 2449 §6.8 UIDL. */
  uidl: boolean;
  /** RFC 2449 §6.9 IMPLEMENTATION: free text naming the server. */
  implementation?: string;
  /** RFC 2595 §4 STLS. */
  stls: boolean;
  /** RFC 6856 §2 UTF8; `user` when UTF-8 user names and passwords are allowed (`UTF8 USER`). */
  utf8?: { user: boolean };
  /** RFC 6856 §3 LANG. */
  lang: boolean;
  /** Every tag (upper-case) with its arguments as sent. */
  tags: Map<string, string[]>;
  /** The capability lines as received. */
  raw: string[];
}

/** The capabilities of a server that does not support CAPA (RFC 2449 §7: assume nothing). */
export function emptyCapabilities(): Capabilities {
  return {
    top: false, user: false, sasl: [], respCodes: false, authRespCode: false, pipelining: false,
    uidl: false, stls: false, lang: false, tags: new Map(), raw: [],
  };
}

/** Parses the lines of a CAPA body. Never throws: lines it cannot read stay in `raw` only. */
export function parseCapabilities(lines: readonly string[]): Capabilities {
  const caps = emptyCapabilities();
  for (const line of lines) {
    caps.raw.push(line);
    const words = line.trim().split(/\s+/).filter((w) => w !== '');
    const first = words[0];
    if (first === undefined) continue;
    const tag = first.toUpperCase();
    const args = words.slice(1);
    caps.tags.set(tag, args);
    const perUser = args[1]?.toUpperCase() === 'USER';
    switch (tag) {
      case 'TOP': caps.top = true; break;
      case 'USER': caps.user = true; break;
      case 'SASL': caps.sasl = args.map((a) => a.toUpperCase()); break;
      case 'RESP-CODES': caps.respCodes = true; break;
      case 'AUTH-RESP-CODE': caps.authRespCode = true; break;
      case 'PIPELINING': caps.pipelining = true; break;
      case 'UIDL': caps.uidl = true; break;
      case 'STLS': caps.stls = true; break;
      case 'LANG': caps.lang = true; break;
      case 'UTF8': caps.utf8 = { user: args.some((a) => a.toUpperCase() === 'USER') }; break;
      case 'IMPLEMENTATION': caps.implementation = line.trim().slice(first.length).trim(); break;
      case 'LOGIN-DELAY': {
        const seconds = Number(args[0]);
        if (Number.isSafeInteger(seconds) && seconds >= 0) caps.loginDelay = { value: seconds, perUser };
        break;
      }
      case 'EXPIRE': {
        const word = args[0]?.toUpperCase();
        const days = Number(word);
        if (word === 'NEVER') caps.expire = { value: 'NEVER', perUser };
        else if (word !== undefined && Number.isSafeInteger(days) && days >= 0) caps.expire = { value: days, perUser };
        break;
      }
      default:
        break;
    }
  }
  return caps;
}
