import type { TranscriptEntry } from '../protocol/transcript';
import type { SessionState } from '../protocol/states';
import type { ExerciseFacts } from './exercise';
import { UnknownSeedMessageError } from './seed-facts';
import type { SeedLookup, SeedMessageFacts } from './seed-facts';
import { sawDirectly, sawValue } from './seen';
import type { CallRecord, ShownValue } from './seen';

/** An error the learner met at the prompt, by its stable codes. */
export interface ErrorFact {
  /** `err.code`, e.g. `ERR_REPLY`, `CONNECTION_CLOSED`, `TS2345`. */
  code: string;
  /** The POP3 response code of a -ERR reply (RFC 2449 §8), e.g. `IN-USE`. */
  responseCode?: string;
  /** The name an error is about: the undeclared name of TS2304 or a ReferenceError. */
  name?: string;
  /** The code of the error's cause, e.g. `ERR_TLS_CERT_ALTNAME_INVALID` under `TLS_FAILED`. */
  cause?: string;
}

/** What the REPL itself saw since the lesson started (not the server). */
export interface ReplFacts {
  /** Raw-mode sessions opened with `.raw`. */
  rawSessions: number;
  /**
   * Lines typed in raw mode: the keyword upper-cased, secret arguments (PASS, APOP's digest,
   * AUTH's initial response) as `***`, and SASL responses as `***` (a `*` cancel as typed).
   */
  rawLines: readonly string[];
  /** Clients the learner's `connect` created at the prompt (not counting `.raw`). */
  clients: number;
  /** True while `.trace on` is in force. */
  trace: boolean;
  /** When the trace was on, as epoch milliseconds (`to` absent while it still is), to compare with entries' `time`. */
  traceIntervals: readonly { from: number; to?: number }[];
  /** Errors met at the prompt, oldest first. */
  errors: readonly ErrorFact[];
}

/** A command with the reply that answered it: the next status line of its session, when that answers the same keyword. */
export interface Exchange {
  command: TranscriptEntry;
  reply: TranscriptEntry;
}

/** One session of the transcript, its entries grouped. */
export interface SessionFacts {
  session: string;
  entries: readonly TranscriptEntry[];
  /** Keywords of the commands, in order. */
  keywords: readonly string[];
  /** The session's commands that got a reply, each with that reply, in order. */
  exchanges: readonly Exchange[];
  /** The state after the last entry. */
  state: SessionState;
  /** The maildrop's owner once logged in. */
  user?: string;
}

/** The raw material checks are built from, collected by the REPL. */
export interface FactsInput {
  /** Transcript entries since the lesson started: the sandbox's log, or the client trace with --server. */
  transcript: readonly TranscriptEntry[];
  /** Values evaluated at the prompt since the lesson started, oldest first. */
  values: readonly unknown[];
  /** Values shown to the learner (evaluated, printed with `console`, thrown at the prompt), oldest first. */
  shown?: readonly ShownValue[];
  /** What client calls resolved or rejected with, oldest first. */
  calls?: readonly CallRecord[];
  repl?: Partial<ReplFacts>;
  /** What the last `.check` found when it ran the learner's exercise file (file exercises only). */
  exercise?: ExerciseFacts;
  /** Finds seed messages by name (the front end reads the seed); without it no name is known. */
  seed?: SeedLookup;
}

/**
 * What a lesson's checks and mistake predicates receive: the facts plus small queries, so
 * lesson files need no imports beyond types.
 */
export interface Facts {
  readonly transcript: readonly TranscriptEntry[];
  readonly values: readonly unknown[];
  /** The value of the last evaluation (undefined before any). */
  readonly lastValue: unknown;
  readonly repl: ReplFacts;
  /** The last run of the learner's exercise file by `.check`; undefined before one (file exercises only). */
  readonly exercise: ExerciseFacts | undefined;
  /** Values shown to the learner, oldest first: evaluated, printed with `console`, or thrown at the prompt. */
  readonly shown: readonly ShownValue[];
  /** What the client's calls resolved or rejected with, oldest first, optionally of one method or export. */
  calls(call?: string): CallRecord[];
  /**
   * True when the learner saw a result: some client call whose value satisfies
   * `predicate(value, call)` was followed by a shown value that is it, contains it, or equals
   * one of its fields (a number or short string only as a whole value shown); or a shown value
   * (or an object or longer string inside one) satisfies `predicate(value)` itself.
   */
  saw(predicate: (value: unknown, call?: CallRecord) => boolean): boolean;
  /** True when a value shown after position `after` (a call's `seq`) shows `value` (as in {@link saw}). */
  sawValue(value: unknown, after?: number): boolean;
  /** Command entries (C:), optionally of one keyword. */
  commands(keyword?: string): TranscriptEntry[];
  /** Reply entries (S:), optionally answering one keyword. */
  replies(keyword?: string): TranscriptEntry[];
  /** `*` events (CONNECT, TLS, UPDATE, CLOSE, FAULT), optionally of one kind. */
  events(name?: string): TranscriptEntry[];
  /** The transcript grouped by session, in order of first appearance. */
  sessions(): SessionFacts[];
  /** Commands with the replies that answered them (optionally of one keyword), session by session. */
  exchanges(keyword?: string): Exchange[];
  /**
   * A seed message by its seed name: subject, and size in octets as the server reports it, so
   * checks can recognise a message (a RETR reply's `octets`) without using its number.
   * @throws UnknownSeedMessageError for a name the seed does not have.
   */
  seed(name: string): SeedMessageFacts;
  /** True when some session reached TRANSACTION (optionally as this user). */
  loggedIn(user?: string): boolean;
  /** True when some value evaluated at the prompt (not printed, not thrown) satisfies the predicate. */
  produced(predicate: (value: unknown) => boolean): boolean;
}

/** Builds the facts object a lesson's checks read. Pure: the same input gives the same answers. */
export function createFacts(input: FactsInput): Facts {
  const transcript = input.transcript;
  const repl: ReplFacts = {
    rawSessions: input.repl?.rawSessions ?? 0,
    rawLines: input.repl?.rawLines ?? [],
    clients: input.repl?.clients ?? 0,
    trace: input.repl?.trace ?? false,
    traceIntervals: input.repl?.traceIntervals ?? [],
    errors: input.repl?.errors ?? [],
  };
  const shown = input.shown ?? [];
  const calls = input.calls ?? [];
  const byDirection = (direction: TranscriptEntry['direction'], keyword?: string): TranscriptEntry[] =>
    transcript.filter((e) => e.direction === direction && (keyword === undefined || e.keyword === keyword.toUpperCase()));
  return {
    transcript,
    values: input.values,
    lastValue: input.values[input.values.length - 1],
    repl,
    exercise: input.exercise,
    shown,
    calls: (call) => calls.filter((c) => call === undefined || c.call === call),
    saw: (predicate) =>
      calls.some((c) => safely(() => predicate(c.value, c)) && sawValue(shown, c.value, c.seq)) || sawDirectly(shown, (v) => predicate(v)),
    sawValue: (value, after) => sawValue(shown, value, after),
    commands: (keyword) => byDirection('C', keyword),
    replies: (keyword) => byDirection('S', keyword),
    events: (name) => byDirection('*', name),
    sessions: () => groupSessions(transcript),
    exchanges: (keyword) =>
      groupSessions(transcript).flatMap((s) => (keyword === undefined ? s.exchanges : s.exchanges.filter((x) => x.command.keyword === keyword.toUpperCase()))),
    seed: (name) => {
      const found = input.seed?.(name);
      if (!found) throw new UnknownSeedMessageError(name);
      return found;
    },
    loggedIn: (user) =>
      transcript.some(
        (e) => e.direction === 'S' && e.status === '+OK' && e.stateBefore === 'AUTHORIZATION' && e.stateAfter === 'TRANSACTION' && (user === undefined || e.user === user),
      ),
    produced: (predicate) => input.values.some((v) => safely(() => predicate(v))),
  };
}

/** A predicate's verdict; one that throws says no. */
function safely(test: () => boolean): boolean {
  try {
    return test() === true;
  } catch {
    return false;
  }
}

/** Groups entries by session id, keeping the order in which sessions first appear. */
export function groupSessions(transcript: readonly TranscriptEntry[]): SessionFacts[] {
  const groups = new Map<string, TranscriptEntry[]>();
  for (const entry of transcript) {
    const list = groups.get(entry.session);
    if (list) list.push(entry);
    else groups.set(entry.session, [entry]);
  }
  return [...groups].map(([session, entries]) => {
    const last = entries[entries.length - 1];
    const user = [...entries].reverse().find((e) => e.user !== undefined && e.stateAfter !== 'AUTHORIZATION')?.user;
    return {
      session,
      entries,
      keywords: entries.filter((e) => e.direction === 'C').map((e) => e.keyword),
      exchanges: pairExchanges(entries),
      state: last ? last.stateAfter : 'CLOSED',
      ...(user !== undefined ? { user } : {}),
    };
  });
}

/** Pairs each command of one session with the next status line, kept when it answers the same keyword. */
function pairExchanges(entries: readonly TranscriptEntry[]): Exchange[] {
  const pairs: Exchange[] = [];
  let next: TranscriptEntry | undefined;
  // Backwards, so each command meets the first status line after it in one pass.
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!;
    if (entry.direction === 'S') next = entry;
    else if (entry.direction === 'C' && next && next.keyword === entry.keyword) pairs.push({ command: entry, reply: next });
  }
  return pairs.reverse();
}
