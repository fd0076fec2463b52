import { CodedError } from '../../src/protocol';
import { printable } from '../display';
import { CommandRefusal } from '../errors';
import type { Maildrop } from '../maildrop';
import type { StoredMessage } from '../storage';
import type { ReplyBody } from '../reply';
import { err, linesBody, messageBody, ok } from '../reply';
import { hasEightBitHeader, topOfMessage } from '../top';
import { describeMaildrop } from './login';
import type { Handler, SessionContext } from './types';

/** The maildrop of a session in TRANSACTION (the dispatcher checked the state). */
function maildropOf(session: SessionContext): Maildrop {
  if (!session.maildrop) throw new Error('no maildrop in TRANSACTION state');
  return session.maildrop;
}

/**
 * Reads a message from storage. A message another program removed is simply gone; any other
 * storage failure is a transient server problem (RFC 3206 §4).
 */
async function readMessage(number: number, message: StoredMessage): Promise<Buffer> {
  try {
    return await message.read();
  } catch (error) {
    // RFC 1939 §5 RETR/§7 TOP: a message that is not there is an ordinary -ERR, not a server fault.
    if (error instanceof CodedError && error.code === 'MESSAGE_GONE') {
      throw new CommandRefusal(`message ${number} was removed from the maildrop by another program`);
    }
    throw new CommandRefusal(`cannot read message ${number} from storage: ${(error as Error).message}`, { responseCode: 'SYS/TEMP' });
  }
}

/**
 * What RETR and TOP learn once per stored Buffer: storage that hands out the same Buffer each
 * time (memory) is scanned and stuffed once; a Buffer no longer stored frees its entry.
 */
interface PreparedMessage {
  eightBitHeader: boolean;
  /** The stuffed RETR body, made on the first RETR. */
  body: ReplyBody | undefined;
}

const preparedMessages = new WeakMap<Buffer, PreparedMessage>();

function prepare(bytes: Buffer): PreparedMessage {
  let prepared = preparedMessages.get(bytes);
  if (!prepared) {
    // Both fields from the start: every entry keeps one shape.
    prepared = { eightBitHeader: hasEightBitHeader(bytes), body: undefined };
    preparedMessages.set(bytes, prepared);
  }
  return prepared;
}

/** RFC 6856 §2.1: outside UTF-8 mode, a message with raw 8-bit headers is refused with [UTF8]. */
function checkUtf8(session: SessionContext, number: number, prepared: PreparedMessage): void {
  if (!session.utf8 && prepared.eightBitHeader) {
    throw new CommandRefusal(
      `message ${number} has raw UTF-8 in its headers; reconnect and send UTF8 before logging in to retrieve it (RFC 6856 section 2.1)`,
      { responseCode: 'UTF8' },
    );
  }
}

/** RFC 1939 §5 STAT: exactly `+OK count size`, deleted messages left out. */
export const stat: Handler = (_command, session) => {
  const { count, size } = maildropOf(session).stat();
  return ok(`${count} ${size}`);
};

/** RFC 1939 §5 LIST: the scan listing, or one message's scan listing on the status line. */
export const list: Handler = (command, session) => {
  const maildrop = maildropOf(session);
  const argument = command.args[0];
  if (argument !== undefined) {
    const { number, message } = maildrop.message(argument);
    return ok(`${number} ${message.size}`);
  }
  const { count, size } = maildrop.stat();
  const lines = maildrop.listing().map(({ number, message }) => `${number} ${message.size}`);
  return ok(`${describeMaildrop(count, size)}`, { body: linesBody(lines) });
};

/** RFC 1939 §7 UIDL: the unique-id listing, or one message's unique-id on the status line. */
export const uidl: Handler = (command, session) => {
  const maildrop = maildropOf(session);
  const argument = command.args[0];
  if (argument !== undefined) {
    const { number, message } = maildrop.message(argument);
    return ok(`${number} ${message.uid}`);
  }
  const lines = maildrop.listing().map(({ number, message }) => `${number} ${message.uid}`);
  return ok('unique-id listing follows', { body: linesBody(lines) });
};

/** RFC 1939 §5 RETR: the whole message, byte-stuffed; the size equals LIST's (RFC 1939 §11). */
export const retr: Handler = async (command, session) => {
  const { number, message } = maildropOf(session).message(command.args[0]!);
  const bytes = await readMessage(number, message);
  const prepared = prepare(bytes);
  checkUtf8(session, number, prepared);
  prepared.body ??= messageBody(bytes);
  const body = prepared.body;
  return ok(`${body.octets} octets`, { body, uids: [message.uid] });
};

/** RFC 1939 §7 TOP: the header section, the blank line, and the first n body lines. */
export const top: Handler = async (command, session) => {
  const [numberArg, linesArg] = command.args as [string, string];
  const { number, message } = maildropOf(session).message(numberArg);
  if (!/^\d{1,10}$/.test(linesArg)) {
    return err(`"${printable(linesArg)}" is not a line count; TOP msg n takes a number of body lines, 0 or more`, {
      bad: true,
    });
  }
  const bytes = await readMessage(number, message);
  checkUtf8(session, number, prepare(bytes));
  const body = messageBody(topOfMessage(bytes, Number(linesArg)));
  return ok('top of message follows', { body, uids: [message.uid] });
};

/** RFC 1939 §5 DELE: marks the message; storage changes only in UPDATE (§6). */
export const dele: Handler = (command, session) => {
  const { number, message } = maildropOf(session).delete(command.args[0]!);
  return ok(`message ${number} deleted`, { uids: [message.uid] });
};

/** RFC 1939 §5 NOOP. */
export const noop: Handler = () => ok('nothing to do');

/** RFC 1939 §5 RSET: unmarks every deleted message. */
export const rset: Handler = (_command, session) => {
  const maildrop = maildropOf(session);
  maildrop.reset();
  const { count, size } = maildrop.stat();
  return ok(`maildrop has ${describeMaildrop(count, size)}`);
};
