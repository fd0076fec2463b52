import type { MistakeDefinition } from '../../src/tutor';
import { LOGIN_TWICE } from './examples';

/**
 * `maildrop-in-use`: a login refused with `[IN-USE]` because another session holds the
 * maildrop lock (RFC 1939 §4, RFC 2449 §8.1.2).
 */
export function maildropInUse(hint: string, example: readonly string[] = LOGIN_TWICE): MistakeDefinition {
  return { id: 'maildrop-in-use', when: (f) => f.replies().some((e) => e.status === '-ERR' && e.code === 'IN-USE'), hint, example };
}

/** `not-logged-in`: one of `keywords` refused in AUTHORIZATION, as TRANSACTION commands are (RFC 1939 §5). */
export function notLoggedIn(keywords: readonly string[], hint: string, example: readonly string[]): MistakeDefinition {
  return {
    id: 'not-logged-in',
    when: (f) => keywords.flatMap((k) => f.replies(k)).some((e) => e.status === '-ERR' && e.stateBefore === 'AUTHORIZATION'),
    hint,
    example,
  };
}

/** `no-such-message`: one of `keywords` refused after login, for a message-number the maildrop does not have (RFC 1939 §5). */
export function noSuchMessage(keywords: readonly string[], hint: string, example: readonly string[]): MistakeDefinition {
  return {
    id: 'no-such-message',
    when: (f) => keywords.flatMap((k) => f.replies(k)).some((e) => e.status === '-ERR' && e.stateBefore === 'TRANSACTION'),
    hint,
    example,
  };
}

/**
 * `typescript-in-raw-mode`: a raw-mode line that starts like TypeScript, with one of `starts`
 * (raw lines are recorded with the first word upper-cased, e.g. `CONST`, `POP.`).
 */
export function typeScriptInRawMode(starts: readonly string[], hint: string, example: readonly string[]): MistakeDefinition {
  const pattern = new RegExp(`^(${starts.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`);
  return { id: 'typescript-in-raw-mode', when: (f) => f.repl.rawLines.some((line) => pattern.test(line)), hint, example };
}
