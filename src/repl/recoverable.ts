import { Recoverable } from 'node:repl';
import { isTsError } from './ts-error';

// Diagnostics that mean "the input is not finished yet" (after ts-node's RECOVERY_CODES).
const RECOVERY_CODES = new Map<number, ReadonlySet<number> | null>([
  [1003, null], [1005, null], [1109, null], [1126, null], [1136, new Set([1005])],
  [1160, null], [1161, null], [2355, null], [2391, null], [7010, new Set([1005])],
]);


/**
 * node:repl's Recoverable (wait for more lines) when a compile error only says that `code` is
 * unfinished; otherwise the error itself.
 */
export function recoverableOr(error: unknown, code: string): unknown {
  if (isTsError(error)) {
    const codes = error.diagnosticCodes;
    const recoverable = codes.every((c) => {
      const deps = RECOVERY_CODES.get(c);
      return deps === null || (deps !== undefined && codes.some((d) => deps.has(d)));
    });
    return recoverable ? new Recoverable(error) : error;
  }
  // swc reports syntax errors as plain errors; an input that ends too early is unfinished.
  if (error instanceof Error && /<eof>|Unexpected eof|Unterminated/i.test(error.message) && looksUnfinished(code)) {
    return new Recoverable(error);
  }
  return error;
}

/** True when brackets opened in the input are not closed yet (strings and comments skipped roughly). */
export function looksUnfinished(code: string): boolean {
  let depth = 0;
  const stripped = code.replace(/\/\/.*$/gm, '').replace(/(["'`])(?:\\.|(?!\1)[^\\])*\1/g, '""');
  for (const ch of stripped) {
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
  }
  return depth > 0;
}
