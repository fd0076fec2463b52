/**
 * Where maildrops live. The server sees only this interface: in memory by default,
 * a real Maildir on disk when persistence is asked for.
 */

/** One stored message, in canonical CRLF form (RFC 1939 §11 sizes count these octets). */
export interface StoredMessage {
  /** Unique-id (RFC 1939 §7): 1-70 octets in 0x21-0x7E, stable, never reused. */
  uid: string;
  /** Octets of the canonical CRLF bytes. */
  size: number;
  /** The seed name the message came from, when it came from the seed. */
  seedName?: string;
  /**
   * The canonical CRLF bytes.
   * @throws CodedError `MESSAGE_GONE` when the message was removed behind the server's back
   *   (another program deleted its file); anything else is a storage failure.
   */
  read(): Promise<Buffer>;
}

/** A message to store: raw bytes (any line ends) and, for seed mail, its name. */
export interface NewMessage {
  bytes: Buffer;
  seedName?: string;
}

/** Releases a maildrop lock. */
export type ReleaseLock = () => Promise<void>;

/** The storage behind every maildrop. */
export interface MailStorage {
  /** The maildrop's messages in order. Unknown accounts have an empty maildrop. */
  list(account: string): Promise<StoredMessage[]>;
  /**
   * Removes messages by unique-id (the UPDATE state, RFC 1939 §6). Crash-safe: each message
   * is either fully there or fully gone. Resolves once the removal is durable.
   */
  remove(account: string, uids: readonly string[]): Promise<void>;
  /** Replaces the whole maildrop (a reset to the seed); new messages get fresh, never-used uids. */
  replace(account: string, messages: readonly NewMessage[]): Promise<void>;
  /** Appends messages (delivery), with fresh uids. */
  append(account: string, messages: readonly NewMessage[]): Promise<void>;
  /**
   * Takes the exclusive maildrop lock (RFC 1939 §4). Resolves to its release function,
   * or to undefined when another session (in any process) holds it.
   */
  lock(account: string): Promise<ReleaseLock | undefined>;
  /** Releases resources; locks still held are released. */
  close(): Promise<void>;
}
