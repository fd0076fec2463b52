/**
 * ts-node's compile error, told apart from other errors. Kept apart from node:repl's
 * Recoverable (./recoverable.ts), so describing errors (./error-hints.ts) also works in a
 * browser, where the docs site's pages describe errors the same way.
 */

/** ts-node's compile error, as the REPL reads it. */
export interface TsErrorLike extends Error {
  diagnosticCodes: number[];
  diagnosticText: string;
}

/** True for ts-node's compile error. */
export function isTsError(error: unknown): error is TsErrorLike {
  return error instanceof Error && Array.isArray((error as Partial<TsErrorLike>).diagnosticCodes);
}
