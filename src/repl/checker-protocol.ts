/**
 * Messages between the REPL and the checker's thread (./checker-thread.ts, ./checker-worker.ts).
 * The thread answers requests one at a time, in the order they were sent.
 */
import { TsDiagnosticError } from './ts-error';
import type { InputDiagnostic } from './ts-error';

/**
 * What the thread is asked: `check` holds the input until `accept` takes it into the file
 * (`accept` names the input again, so a checker rebuilt elsewhere can take it too).
 */
export type CheckerAsk =
  | { op: 'check'; code: string; guardLoops: boolean }
  | { op: 'admit' | 'accept'; code: string }
  | { op: 'setPrelude'; prelude: string }
  | { op: 'reset' }
  | { op: 'typeOf'; expression: string };

/** An ask as sent: numbered, so its answer can be told from the others. */
export type CheckerRequest = CheckerAsk & { id: number };

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

/** A TsDiagnosticError as a message that can cross to another thread, and back. */
export const toDiagnosticsMessage = (error: TsDiagnosticError): DiagnosticsMessage => ({ text: error.diagnosticText, diagnostics: [...error.diagnostics], source: error.source });
export const fromDiagnosticsMessage = (message: DiagnosticsMessage): TsDiagnosticError => new TsDiagnosticError(message.text, message.diagnostics, message.source);
