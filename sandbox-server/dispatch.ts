import type { ParsedCommand, Pop3State } from '../src/protocol';
import { lookupCommand } from '../src/protocol';
import { CommandRefusal } from './errors';
import { HANDLERS } from './handlers';
import type { SessionContext } from './handlers';
import type { Reply } from './reply';
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
 * Checks a parsed command against the command table (existence, obsolescence, state, arity),
 * applies an injected `fail=` fault, and runs the handler. Returns the one reply.
 * Handler refusals (CommandRefusal) become -ERR; other exceptions propagate as internal errors.
 */
export async function dispatch(parsed: ParsedCommand, session: SessionContext): Promise<Reply> {
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
  if (spec.obsolete) return HANDLERS[command]({ keyword: command, args }, session);
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
  const faults = session.faults();
  if (faults.failCommands?.includes(command)) {
    return err(`${command} failed on purpose (injected fault: fail=${command}); try again later`, {
      code: 'SYS/TEMP',
      fault: `fail=${command}`,
    });
  }
  try {
    return await HANDLERS[command]({ keyword: command, args }, session);
  } catch (error) {
    if (error instanceof CommandRefusal) {
      const extras = error.responseCode === undefined ? { bad: error.bad } : { code: error.responseCode, bad: error.bad };
      return err(error.message, extras);
    }
    throw error;
  }
}
