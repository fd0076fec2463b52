/**
 * Messages between the REPL and the checker's thread (./checker-thread.ts, ./checker-worker.ts).
 * The thread answers requests one at a time, in the order they were sent.
 */
import type { InputDiagnostic } from './ts-error';

/**
 * What the thread is asked: `check` holds the input until `accept` takes it into the file
 * (`accept` names the input again, so a checker rebuilt elsewhere can take it too).
 */
export type CheckerRequest =
  | { id: number; op: 'check'; code: string; guardLoops: boolean }
  | { id: number; op: 'admit' | 'accept'; code: string }
  | { id: number; op: 'setPrelude'; prelude: string }
  | { id: number; op: 'reset' }
  | { id: number; op: 'typeOf'; expression: string };

/** A TsDiagnosticError as it crosses between threads. */
export interface DiagnosticsMessage {
  text: string;
  diagnostics: InputDiagnostic[];
  source: string;
}

/** `ready` once the program is built; then one answer per request (`js`: a clean check's input, compiled). */
export type CheckerReply =
  | { ready: true }
  | { id: number; diagnostics?: DiagnosticsMessage; type?: string; js?: string }
  | { id: number; failed: string };

/** What the thread needs to start: the tsconfig and the virtual file's path. */
export interface CheckerWorkerData {
  project: string;
  virtualPath: string;
}
