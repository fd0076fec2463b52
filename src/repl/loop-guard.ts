import type * as TS from 'typescript';
import { typescript } from './input-source';

/** The hidden function a guarded loop calls on every turn (a registered symbol, the same in every realm). */
export const LOOP_CHECK = Symbol.for('pop3-playground.loop-check');

const CALL = 'globalThis[Symbol.for("pop3-playground.loop-check")]();';

/**
 * Puts a check at the top of every loop body of compiled input, so a loop that runs after an
 * `await` or in a callback (beyond the reach of node:vm's breakOnSigint) stops on Ctrl-C by
 * throwing there: terminating the isolate instead would leave Node's async-hook stack broken
 * and abort the process. Inputs without a loop keyword are returned as they are, unparsed.
 */
export function guardLoops(js: string): string {
  if (!/\b(?:while|for|do)\b/.test(js)) return js;
  const ts = typescript();
  const file = ts.createSourceFile('<repl>.js', js, ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
  const inserts: { at: number; text: string }[] = [];
  const visit = (node: TS.Node): void => {
    if (ts.isIterationStatement(node, false)) {
      const body = node.statement;
      if (ts.isBlock(body)) {
        inserts.push({ at: body.getStart(file) + 1, text: CALL });
      } else {
        inserts.push({ at: body.getStart(file), text: `{${CALL}` }, { at: body.end, text: '}' });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = js;
  for (const { at, text } of inserts.sort((a, b) => b.at - a.at)) out = out.slice(0, at) + text + out.slice(at);
  return out;
}
