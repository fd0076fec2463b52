import type { TranscriptEntry } from '../../src/protocol/transcript';
import type { CallRecord, CheckVerdict, Facts } from '../../src/tutor';

/** A verdict: met, or not met with why, and what did happen on the way. */
export function verdict(met: boolean, why: string, seen?: string): CheckVerdict {
  return met ? { met: true } : { met: false, why, ...(seen !== undefined ? { seen } : {}) };
}

/**
 * Whether the learner saw what a client call gave (docs/lesson-format.md, "What the learner
 * saw"): met when a call of `calls` that passes `which` resolved and its result was shown
 * afterwards (evaluated, printed, or a field of it read), however it was typed. `label` names
 * the call for the reasons, e.g. "`pop.stat()`".
 */
export function sawResult(f: Facts, calls: string | readonly string[], label: string, which: (c: CallRecord) => boolean = () => true): CheckVerdict {
  const names: readonly string[] = typeof calls === 'string' ? [calls] : calls;
  const made = f.calls().filter((c) => names.includes(c.call) && which(c));
  if (made.some((c) => c.ok && f.sawValue(c.value, c.seq))) return { met: true };
  if (made.some((c) => c.ok)) return verdict(false, 'its result has not been shown yet: evaluate it, print it, or read a field of it', `${label} was called and answered`);
  if (made.length > 0) return verdict(false, 'it failed; its error says why', `${label} was called`);
  return verdict(false, `${label} has not been called yet`);
}

/** How many times a command was typed in raw mode (lines are recorded with the keyword upper-cased). */
export const typedInRaw = (f: Facts, keyword: string): number => f.repl.rawLines.filter((l) => l === keyword || l.startsWith(`${keyword} `)).length;

/** A strict raw-mode goal's reason when the command went over the wire some other way. */
export function notTypedInRaw(f: Facts, keyword: string): CheckVerdict {
  const sent = f.commands(keyword).length > 0;
  return verdict(false, `this goal asks for ${keyword} typed by hand: type \`.raw\`, then the command`, sent ? `${keyword} was sent by the client, not typed in raw mode` : undefined);
}

/** Replies that logged a session in: +OK moving it from AUTHORIZATION to TRANSACTION (RFC 1939 §4). */
export const logins = (f: Facts): TranscriptEntry[] =>
  f.replies().filter((e) => e.status === '+OK' && e.stateBefore === 'AUTHORIZATION' && e.stateAfter === 'TRANSACTION');
