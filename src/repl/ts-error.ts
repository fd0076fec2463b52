/**
 * The REPL's TypeScript compile error, told apart from other errors. Kept apart from node:repl's
 * Recoverable (./recoverable.ts), so describing errors (./error-hints.ts) also works in a
 * browser, where the docs site's pages describe errors the same way.
 */

/** One TypeScript diagnostic of an input, placed within the input when it has a place. */
export interface InputDiagnostic {
  code: number;
  message: string;
  /** Offset within the input, and the length of what it points at. */
  start?: number;
  length?: number;
}

/** The input did not compile: TypeScript's diagnostics, formatted and one by one. */
export class TsDiagnosticError extends Error {
  override readonly name = 'TSError';
  readonly diagnosticCodes: number[];
  /** The diagnostics as the compiler formats them, one per line. */
  readonly diagnosticText: string;
  readonly diagnostics: readonly InputDiagnostic[];
  /** The input they are about. */
  readonly source: string;

  constructor(diagnosticText: string, diagnostics: readonly InputDiagnostic[], source: string) {
    super(`⨯ Unable to compile TypeScript:\n${diagnosticText}`);
    this.diagnosticText = diagnosticText;
    this.diagnostics = diagnostics;
    this.source = source;
    this.diagnosticCodes = diagnostics.map((d) => d.code);
  }
}

/** True for a compile error of an input. */
export function isTsError(error: unknown): error is TsDiagnosticError {
  return error instanceof TsDiagnosticError;
}
