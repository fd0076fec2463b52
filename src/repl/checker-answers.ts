import { toDiagnosticsMessage } from './checker-protocol';
import type { CheckerReply, CheckerRequest } from './checker-protocol';
import { guardLoops } from './loop-guard';
import { createTsChecker } from './ts-checker';
import { createTranspiler } from './transpile';
import type { Transpile } from './transpile';
import { isTsError } from './ts-error';

/** A checker for `project`'s options, answering requests; `warm` builds its program. */
export interface CheckerAnswers {
  warm(): void;
  answer(request: CheckerRequest): CheckerReply;
}

/**
 * Answers the checker's requests (./checker-protocol.ts), and compiles a clean input with
 * TypeScript, on whichever thread they live: the checker's own, or the REPL's after that
 * thread failed. `virtualPath` names the REPL's file.
 */
export function createCheckerAnswers(project: string, virtualPath: string): CheckerAnswers {
  const checker = createTsChecker(project, virtualPath);
  let compiler: Transpile | undefined;
  const transpile = (): Transpile => (compiler ??= createTranspiler('typecheck', project)!);
  /** The input a `check` found clean, until `accept` takes it (or the next check replaces it). */
  let held: (() => void) | undefined;
  const answer = (request: CheckerRequest): CheckerReply => {
    const { id } = request;
    switch (request.op) {
      case 'check':
        held = undefined;
        try {
          held = checker.check(request.code);
          const js = transpile()(request.code);
          return { id, js: request.guardLoops ? guardLoops(js) : js };
        } catch (error) {
          if (!isTsError(error)) throw error;
          return { id, diagnostics: toDiagnosticsMessage(error) };
        }
      case 'admit': {
        held = undefined;
        const error = checker.admit(request.code);
        return error ? { id, diagnostics: toDiagnosticsMessage(error) } : { id };
      }
      case 'accept':
        // Held here, or checked by a thread that has since failed: taken in either way.
        if (held) held();
        else checker.admit(request.code);
        held = undefined;
        return { id };
      case 'setPrelude':
        checker.setPrelude(request.prelude);
        return { id };
      case 'reset':
        checker.reset();
        return { id };
      case 'typeOf': {
        const type = checker.typeOf(request.expression);
        return type === undefined ? { id } : { id, type };
      }
    }
  };
  return {
    warm: () => checker.warm(),
    answer(request) {
      try {
        return answer(request);
      } catch (error) {
        return { id: request.id, failed: (error as Error)?.stack ?? String(error) };
      }
    },
  };
}
