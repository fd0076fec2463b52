import type { ParsedCommand, Pop3State } from '../src/protocol';
import { lookupCommand } from '../src/protocol';
import { CommandRefusal } from './errors';
import { HANDLERS, obsolete } from './handlers';
import type { Command, SessionContext } from './handlers';
import type { Reply, StatusReply } from './reply';
import { err } from './reply';
import { printable } from './display';
import { suggestCommand } from './suggest';

/** What state a command needs, in words a learner can act on (RFC 1939 §3: wrong state → -ERR). */
function wrongState(keyword: string, states: readonly Pop3State[], session: SessionContext): string {
  if (states.includes('TRANSACTION') && session.state === 'AUTHORIZATION') {
    return `${keyword} is only valid after login (TRANSACTION state); log in with USER and PASS first`;
  }
  const who = session.user === undefined ? '' : ` as ${printable(session.user)}`;
  return `${keyword} is only valid before login (AUTHORIZATION state); you are already logged in${who}`;
}

/** `LIST [msg]` from the table's summary line. */
function usage(summary: string): string {
  const colon = summary.indexOf(':');
  return colon === -1 ? summary : summary.slice(0, colon);
}

/**
 * Checks a parsed command against the command table: existence, obsolescence, state, arity.
 * @returns the command, ready for its handler, or the one reply that refuses it.
 */
export function checkCommand(parsed: ParsedCommand, session: SessionContext): Command | StatusReply {
  const { keyword, args } = parsed;
  // RFC 1939 §7: PASS is valid only immediately after USER; any other command forgets the name.
  if (keyword !== 'PASS') session.pendingUser = undefined;

  if (keyword === '') {
    return err('empty command line; try CAPA to see what this server supports', { bad: true });
  }
  const found = lookupCommand(keyword);
  if (!found) {
    const hint = suggestCommand(keyword);
    const shown = `"${printable(keyword)}"`;
    return err(hint ? `unknown command ${shown}; did you mean ${hint}?` : `unknown command ${shown}; CAPA lists what this server supports`, {
      bad: true,
    });
  }
  const { keyword: command, spec } = found;
  // In any state: the reply says what replaced the command.
  if (spec.obsolete) return obsolete({ keyword: command, args });
  if (!spec.states.includes(session.state)) {
    return err(wrongState(command, spec.states, session), { bad: true });
  }
  if (args.length < spec.minArgs || args.length > spec.maxArgs) {
    const plural = (n: number): string => `${n} argument${n === 1 ? '' : 's'}`;
    const expected =
      spec.minArgs === spec.maxArgs
        ? spec.minArgs === 0
          ? 'no arguments'
          : plural(spec.minArgs)
        : spec.minArgs === 0
          ? `at most ${plural(spec.maxArgs)}`
          : `${spec.minArgs} to ${spec.maxArgs} arguments`;
    return err(`${command} takes ${expected}; usage: ${usage(spec.summary)}`, { bad: true });
  }
  return { keyword: command, args };
}

/**
 * Runs the handler of a checked command. Returns the one reply: a handler refusal
 * (CommandRefusal) becomes -ERR; other exceptions propagate as internal errors.
 */
export async function runHandler(command: Command, session: SessionContext): Promise<Reply> {
  try {
    return await HANDLERS[command.keyword](command, session);
  } catch (error) {
    if (error instanceof CommandRefusal) {
      const extras = error.responseCode === undefined ? { bad: error.bad } : { code: error.responseCode, bad: error.bad };
      return err(error.message, extras);
    }
    throw error;
  }
}
