import { printable } from './display';
import { CommandRefusal } from './errors';
import type { StoredMessage } from './storage';

/** A message of the maildrop with its message-number. */
export interface NumberedMessage {
  number: number;
  message: StoredMessage;
}

/**
 * One session's view of a maildrop: a snapshot taken at login, with deletion marks.
 * RFC 1939 §4: message-numbers are fixed for the whole session; a deleted message keeps its
 * number, is left out of STAT, LIST and UIDL, and any reference to it is an error (§5).
 * Storage changes only in the UPDATE state, from {@link deletedUids}.
 */
export class Maildrop {
  readonly #messages: readonly StoredMessage[];
  readonly #deleted = new Set<number>();

  constructor(snapshot: readonly StoredMessage[]) {
    this.#messages = [...snapshot];
  }

  /** Messages in the snapshot, deleted ones included: the highest valid message-number. */
  get total(): number {
    return this.#messages.length;
  }

  /** RFC 1939 §5 STAT: messages not marked as deleted, and their size in octets. */
  stat(): { count: number; size: number } {
    let size = 0;
    for (const { message } of this.listing()) size += message.size;
    return { count: this.#messages.length - this.#deleted.size, size };
  }

  /** Messages not marked as deleted, in order, with their original numbers. */
  listing(): NumberedMessage[] {
    const out: NumberedMessage[] = [];
    this.#messages.forEach((message, i) => {
      if (!this.#deleted.has(i + 1)) out.push({ number: i + 1, message });
    });
    return out;
  }

  /**
   * The message an argument names (RFC 1939 §5).
   * @throws CommandRefusal for a malformed number, one out of range, or a deleted message.
   */
  message(argument: string): NumberedMessage {
    const number = this.#parse(argument);
    if (this.#deleted.has(number)) {
      throw new CommandRefusal(`no such message: message ${number} is marked as deleted (RSET unmarks it)`);
    }
    return { number, message: this.#messages[number - 1]! };
  }

  /**
   * Marks a message as deleted (RFC 1939 §5 DELE); storage is untouched until UPDATE.
   * @throws CommandRefusal like {@link message}, or when the message is already marked.
   */
  delete(argument: string): NumberedMessage {
    const number = this.#parse(argument);
    if (this.#deleted.has(number)) throw new CommandRefusal(`message ${number} already deleted`);
    this.#deleted.add(number);
    return { number, message: this.#messages[number - 1]! };
  }

  /** RFC 1939 §5 RSET: unmarks every message; returns how many were marked. */
  reset(): number {
    const count = this.#deleted.size;
    this.#deleted.clear();
    return count;
  }

  /** Unique-ids of the messages marked as deleted, in message-number order. */
  deletedUids(): string[] {
    return [...this.#deleted].sort((a, b) => a - b).map((n) => this.#messages[n - 1]!.uid);
  }

  #parse(argument: string): number {
    // RFC 1939 §3: a message-number is a decimal number; §5: it may not exceed the count.
    if (!/^\d{1,10}$/.test(argument)) {
      throw new CommandRefusal(`"${printable(argument)}" is not a message-number; ${this.#range()}`, { bad: true });
    }
    const number = Number(argument);
    if (number < 1 || number > this.#messages.length) {
      throw new CommandRefusal(this.#messages.length === 0 ? 'no such message, maildrop is empty' : `no such message, ${describeCount(this.#messages.length)}`);
    }
    return number;
  }

  #range(): string {
    const n = this.#messages.length;
    if (n === 0) return 'the maildrop is empty';
    return n === 1 ? 'the only message-number is 1' : `give a number from 1 to ${n}`;
  }
}

function describeCount(total: number): string {
  return total === 1 ? 'only 1 message in maildrop' : `only ${total} messages in maildrop`;
}
