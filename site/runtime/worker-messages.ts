/**
 * The messages between a lesson page and its two Web Workers. The sandbox worker runs the
 * POP3 sandbox (mailboxes, faults, the session log); the eval worker runs the reader's code,
 * the client and the tutor's facts. Each POP3 connection is a MessagePort the eval worker
 * hands to the sandbox worker, so a runaway loop that ends the eval worker leaves the
 * mailboxes and the session log as they were.
 */
import type { TranscriptEntry } from '../../src/protocol/transcript';
import type { LessonStartState } from '../../src/tutor/lesson';
import type { Progress } from '../../src/tutor/progress';
import type { SeedManifestEntry } from '../../src/tutor/seed-facts';

/** What a worker script sees of its global scope (the DOM library types the page's side). */
export interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

/** The connection options `sandbox` holds in the page: loopback and a fixed port, as the terminal's outputs show after blanking. */
export const PAGE_SANDBOX_HOST = '127.0.0.1';
export const PAGE_SANDBOX_PORT = 1110;

/** What the tutor's checks know of the seed (`facts.seed(name)`): the manifest's messages and each file's size on the wire. */
export interface SeedFacts {
  messages: Record<string, SeedManifestEntry>;
  /** By file: octets with CRLF line ends and a final CRLF (RFC 1939 §11). */
  sizes: Record<string, number>;
}

// ---- page -> sandbox worker ----------------------------------------------------------------

export type SandboxRequest =
  /** Seed mail from `seedBase` (same origin), mailboxes as `start` says; the eval worker's control port transferred with it. */
  | { type: 'init'; seedBase: string; start: LessonStartState | undefined }
  /** A new eval worker's control port, transferred (the old worker was ended). */
  | { type: 'attach' }
  /** Back to the lesson's start: every session ended, mailboxes and faults as `start` says. */
  | { type: 'reset'; start: LessonStartState | undefined };

// ---- sandbox worker -> page ----------------------------------------------------------------

export type SandboxEvent =
  | { type: 'ready'; accounts: { name: string; password: string }[]; seed: SeedFacts }
  | { type: 'reset-done' }
  /** A session-log entry, as it is appended. */
  | { type: 'entry'; entry: TranscriptEntry }
  | { type: 'failed'; message: string };

// ---- eval worker <-> sandbox worker (over the control port) --------------------------------

export type ControlRequest =
  /** A new POP3 connection: the sandbox runs a session on `port`. */
  | { type: 'connect'; port: MessagePort }
  /** The session log since the lesson (re)started, for a new eval worker's facts. */
  | { type: 'log' }
  /** Resolves once no session holds a maildrop (closed sessions let go of their locks). */
  | { type: 'settle'; id: number };

export type ControlEvent =
  | { type: 'log'; entries: TranscriptEntry[] }
  | { type: 'entry'; entry: TranscriptEntry }
  | { type: 'settled'; id: number };

// ---- page -> eval worker ------------------------------------------------------------------

export type EvalRequest =
  /** The lesson to load, the accounts and the stored progress; the sandbox's control port transferred with it. */
  | { type: 'init'; lessonId: string; lessonNumber: number; accounts: { name: string; password: string }[]; seed: SeedFacts; progress: Progress; trace: boolean }
  /** Runs REPL inputs (```ts) or raw lines (```pop3) in the page's scope. */
  | { type: 'run'; id: number; language: 'ts' | 'pop3'; lines: string[] }
  /** One line typed in the raw-mode panel; `.raw` there opens or closes the session. */
  | { type: 'raw'; id: number; line: string }
  | { type: 'trace'; on: boolean }
  /** The goals judged now, as `.check` judges them. */
  | { type: 'check' }
  /** The next hint for the first goal not met (as `.hint`). */
  | { type: 'hint'; id: number };

// ---- eval worker -> page ------------------------------------------------------------------

/** A goal's verdict, as the page ticks it. */
export interface GoalVerdict {
  id: string;
  met: boolean;
}

export type EvalEvent =
  | { type: 'ready' }
  /** Sent every few hundred milliseconds while code runs: a worker that stops sending is stuck in synchronous code. */
  | { type: 'alive' }
  /** Text the run printed (values, console output, errors, raw replies), in order. */
  | { type: 'output'; id: number; text: string }
  /** The run is over: whether some input raised an error, and, for raw lines, whether the server answered -ERR. */
  | { type: 'done'; id: number; errored: boolean; refused: boolean; rawOpen: boolean }
  /** The goals after an evaluation; `completedNow` the first time all are met; `mistake` the id of a mistake whose hint is earned (once). */
  | { type: 'goals'; goals: GoalVerdict[]; completedNow: boolean; mistake?: string }
  /** The next hint: its goal's id and tier (the page has the texts), or none left. */
  | { type: 'hint'; id: number; goal?: string; tier?: number; tiers?: number }
  /** Progress to merge into what the page keeps (progress format 2). */
  | { type: 'progress'; progress: Progress }
  | { type: 'failed'; message: string };
