import { Pop3AbortError } from './errors';
import type { UniqueIdListing } from './listing';
import type { Pop3Message } from './message';
import type { Pop3Client } from './pop3-client';
import type { CommandOptions } from './types';

/** Progress of {@link fetchNew}, after each message (and once before the first). */
export interface SyncProgress {
  messages: number;
  totalMessages: number;
  /** Octets fetched so far, counted as the scan listing gave them. */
  octets: number;
  totalOctets: number;
}

/**
 * Options of {@link fetchNew}. `signal`, `timeout` and `deadline` apply to each command it sends
 * (CAPA, UIDL, LIST, every RETR), as for any call; `signal` also stops it between messages. To
 * bound the whole fetch, pass `signal: AbortSignal.timeout(ms)`.
 */
export interface FetchNewOptions extends CommandOptions {
  /** Unique-ids already stored: those messages are not fetched again. */
  seen: Iterable<string>;
  onProgress?(progress: SyncProgress): void;
  /** Called in order for each new message; awaited, so a slow consumer slows the fetch. */
  onMessage?(message: Pop3Message, id: UniqueIdListing): void | Promise<void>;
  /**
   * Most RETRs on the wire at once when the server advertises PIPELINING (default 8); the window
   * is topped up, several RETRs in one write, once half of it has come back.
   */
  window?: number;
  /** Set false to drop messages after onMessage, keeping memory flat (default true). */
  keepMessages?: boolean;
}

/** A message {@link fetchNew} retrieved. */
export interface FetchedMessage extends UniqueIdListing {
  message: Pop3Message;
}

/** What {@link fetchNew} found. */
export interface FetchNewResult {
  /** The new messages, in maildrop order (none when `keepMessages` is false). */
  fetched: FetchedMessage[];
  /** Seen unique-ids no longer in the maildrop (deleted elsewhere). */
  vanished: string[];
  /** Messages whose unique-id repeats an earlier one: identical copies, fetched once (RFC 1939 §7). */
  duplicates: UniqueIdListing[];
}

const DEFAULT_WINDOW = 8;

/**
 * "Leave mail on the server": fetches only the messages whose unique-ids are not in `seen`
 * (UIDL, then LIST for sizes, then RETR). Message-numbers last one session; unique-ids last
 * (RFC 1939 §7). With PIPELINING (RFC 2449 §6.6) several RETRs go out at once and their
 * replies are matched in order. Needs a client in TRANSACTION.
 * @throws whatever the commands throw (Pop3ReplyError when UIDL is not supported), and
 *   Pop3AbortError when `signal` aborts.
 */
export async function fetchNew(client: Pop3Client, options: FetchNewOptions): Promise<FetchNewResult> {
  // Its signal, timeout and deadline go with every command; the other options are fetchNew's own.
  const call: CommandOptions = options;
  const signal = options.signal;
  const caps = await client.capabilitiesOrNone(call);
  const listing = await client.uidl(undefined, call);
  const seen = new Set(options.seen);
  const onServer = new Set<string>();
  const wanted: UniqueIdListing[] = [];
  const duplicates: UniqueIdListing[] = [];
  for (const entry of listing) {
    if (onServer.has(entry.uid)) {
      duplicates.push(entry);
      continue;
    }
    onServer.add(entry.uid);
    if (!seen.has(entry.uid)) wanted.push(entry);
  }
  const vanished = [...seen].filter((uid) => !onServer.has(uid));
  const fetched: FetchedMessage[] = [];
  if (wanted.length === 0) {
    options.onProgress?.({ messages: 0, totalMessages: 0, octets: 0, totalOctets: 0 });
    return { fetched, vanished, duplicates };
  }

  const sizes = new Map((await client.list(undefined, call)).map((s) => [s.n, s.size]));
  const progress: SyncProgress = {
    messages: 0,
    totalMessages: wanted.length,
    octets: 0,
    totalOctets: wanted.reduce((sum, w) => sum + (sizes.get(w.n) ?? 0), 0),
  };
  options.onProgress?.({ ...progress });

  const window = caps.pipelining ? Math.max(1, options.window ?? DEFAULT_WINDOW) : 1;
  /** RETRs on the wire, oldest first. */
  const inFlight: Promise<Pop3Message>[] = [];
  let launched = 0;
  /** Sends RETRs until `window` are on the wire; those sent together leave in one write. */
  const fill = (): void => {
    for (; launched < wanted.length && inFlight.length < window; launched += 1) {
      const retrieval = client.retr(wanted[launched]!.n, call);
      retrieval.catch(() => undefined); // awaited below, in order; this only silences early failures
      inFlight.push(retrieval);
    }
  };
  fill();
  for (const entry of wanted) {
    // Aborted while onMessage ran, with nothing on the wire to reject: stop here all the same.
    if (signal?.aborted) throw new Pop3AbortError('fetchNew', signal.reason, false);
    const message = await inFlight.shift()!;
    // Top the window up once half of it has come back: fewer, fuller writes, and the server
    // still has the other half to answer meanwhile.
    if (inFlight.length <= window / 2) fill();
    progress.messages += 1;
    progress.octets += sizes.get(entry.n) ?? message.size;
    if (options.onMessage) await options.onMessage(message, entry);
    options.onProgress?.({ ...progress });
    if (options.keepMessages !== false) fetched.push({ ...entry, message });
  }
  return { fetched, vanished, duplicates };
}
