import type { Keyword } from './commands';
import { isKeyword, toAsciiUpperCase } from './commands';
import { InvalidArgumentError } from './errors';

/**
 * Faults the sandbox injects on purpose, to teach robust clients. Every fault is
 * marked in the session log (`fault` field), so a lesson can tell "the server failed
 * on purpose" from "your code is wrong". All are off by default.
 */
export interface FaultSpec {
  /** Delay every reply by this many milliseconds. */
  delayMs?: number;
  /** Drop the connection after this many commands have been answered. */
  dropAfterCommands?: number;
  /** Drop the connection in the middle of a RETR body, after about half the message. */
  dropMidRetr?: boolean;
  /** Answer these commands with `-ERR [SYS/TEMP]`. */
  failCommands?: Keyword[];
  /** Refuse every login with this response code (LOGIN-DELAY is then advertised in CAPA). */
  refuseLogin?: 'IN-USE' | 'LOGIN-DELAY';
  /** Stop answering after this many commands (0: at once, the greeting is still sent). */
  stallAfterCommands?: number;
}

/** True when the spec switches nothing on. */
export function isNoFault(spec: FaultSpec): boolean {
  return (
    !spec.delayMs &&
    spec.dropAfterCommands === undefined &&
    !spec.dropMidRetr &&
    !(spec.failCommands && spec.failCommands.length > 0) &&
    !spec.refuseLogin &&
    spec.stallAfterCommands === undefined
  );
}

/**
 * Parses the CLI form, a comma-separated list:
 * `delay=200`, `drop-after=3`, `drop-mid-retr`, `fail=RETR+DELE`, `refuse-login=IN-USE`,
 * `stall` or `stall-after=2`.
 * @throws InvalidArgumentError naming the part it does not understand.
 */
export function parseFaultSpec(text: string): FaultSpec {
  const spec: FaultSpec = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    // Split at the first "=" only, so "delay=200=5" is refused rather than read as 200.
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    const given = eq === -1 ? undefined : part.slice(eq + 1);
    const value = given ?? '';
    const count = (): number => {
      const n = Number(value);
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
        throw new InvalidArgumentError(`fault ${name} needs a whole number, got ${JSON.stringify(value)}`);
      }
      return n;
    };
    const flag = (hint: string): true => {
      if (given !== undefined) throw new InvalidArgumentError(`fault ${name} takes no value${hint}`);
      return true;
    };
    switch (name) {
      case 'delay':
        spec.delayMs = count();
        break;
      case 'drop-after':
        spec.dropAfterCommands = count();
        break;
      case 'drop-mid-retr':
        spec.dropMidRetr = flag('');
        break;
      case 'fail': {
        const words = value.split('+').map(toAsciiUpperCase);
        for (const w of words) {
          if (!isKeyword(w)) throw new InvalidArgumentError(`fault fail=: unknown command ${JSON.stringify(w)}`);
        }
        spec.failCommands = words as Keyword[];
        break;
      }
      case 'refuse-login': {
        const code = value.toUpperCase();
        if (code !== 'IN-USE' && code !== 'LOGIN-DELAY') {
          throw new InvalidArgumentError('fault refuse-login= takes IN-USE or LOGIN-DELAY');
        }
        spec.refuseLogin = code;
        break;
      }
      case 'stall':
        flag('; for a count use stall-after=N');
        spec.stallAfterCommands = 0;
        break;
      case 'stall-after':
        spec.stallAfterCommands = count();
        break;
      default:
        throw new InvalidArgumentError(
          `unknown fault ${JSON.stringify(name)}; known: delay=MS, drop-after=N, drop-mid-retr, fail=CMD[+CMD], refuse-login=IN-USE|LOGIN-DELAY, stall, stall-after=N`,
        );
    }
  }
  return spec;
}
