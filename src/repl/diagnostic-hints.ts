import type { FriendlyError } from './error-hints';
import type { HintContext } from './hint-context';
import type { InputDiagnostic, TsDiagnosticError } from './ts-error';

/** The hint for a value that is still a promise: the call it came from has not finished. */
export const AWAIT_HINT = 'That is still a `Promise`: the call has not finished. Put `await` in front of it to get its result, e.g. `(await pop.stat()).count`.';

/** Client methods whose first argument is a message-number (RFC 1939 §5), and TOP's line count. */
const MESSAGE_NUMBER_METHODS = new Set(['retr', 'top', 'dele', 'list', 'uidl', 'retrStream']);

/** The hint for a name nothing declared (and no lesson imports). */
export const NOT_DECLARED_HINT = 'Not declared yet. In scope: `connect`, `sandbox`, and the names you declared in this lesson.';

// Hints for TypeScript diagnostics that teach something about POP3 or the REPL.
const DIAGNOSTIC_HINTS: Record<number, string> = {
  2304: NOT_DECLARED_HINT,
  2339: 'Tab after a dot lists what exists, e.g. `pop.<Tab>`.',
  2451: 'The playground gives that name (`connect`, `sandbox` and the lesson\'s own), so it cannot be declared again: pick another name.',
  2588: 'A `const` cannot be reassigned. Declare it again with `const` (a new line may), or use `let` next time.',
  2554: 'Wrong number of arguments: Tab after `pop.` and `.type` show the signatures.',
  18048: 'The value may be undefined (an index can be out of range). Check it first, or add `!` if you are sure.',
  2532: 'The value may be undefined (an index can be out of range). Check it first, or add `!` if you are sure.',
  1308: '`await` works at the prompt, but not inside a function that is not `async`.',
};

// The same hints where Tab completes nothing (no terminal, or TERM=dumb): `.type` instead.
const WITHOUT_TAB: Record<number, string> = {
  2339: '`.type` shows what exists, e.g. `.type pop`.',
  2554: 'Wrong number of arguments: `.type` shows the signatures, e.g. `.type pop.retr`.',
};
const TYPO_HINT = 'Tab after a dot, or inside `{ }` after a comma, lists the names that exist.';
const TYPO_HINT_WITHOUT_TAB = '`.type` shows the names that exist, e.g. `.type pop`.';

/** Quoted type texts longer than this are elided from a message: a type dump teaches nothing. */
const LONG_TYPE = 60;

/**
 * A compile error as one friendly line and a hint: a forgotten `await` (a `Promise<...>` where a
 * value was meant), a property typo as "did you mean", an undeclared name the lessons import
 * with where it comes from, and a string where a message-number belongs.
 */
export function describeTsError(error: TsDiagnosticError, context: HintContext): FriendlyError {
  const first = error.diagnostics[0];
  const code = first?.code;
  const fact = { code: code !== undefined ? `TS${code}` : 'TS', ...(undeclaredName(first) ? { name: undeclaredName(first)! } : {}) };
  const typo = first ? didYouMean(first) : undefined;
  const tab = context.completion !== false;
  if (typo) return { message: `Type error: ${typo} (TS${code})`, fact, hint: tab ? TYPO_HINT : TYPO_HINT_WITHOUT_TAB };
  const lines = error.diagnostics.map((d) => `${shorten(d.message)} (TS${d.code})`).filter((line, i, all) => all.indexOf(line) === i);
  const message = `Type error: ${lines.slice(0, 3).join('\n  ')}`;
  const hint = first ? hintFor(first, error.source, context) : undefined;
  return { message, fact, ...(hint ? { hint } : {}) };
}

function hintFor(d: InputDiagnostic, source: string, context: HintContext): string | undefined {
  if (/\bPromise</.test(d.message)) return AWAIT_HINT;
  const name = undeclaredName(d);
  if (name !== undefined) return importHint(name, context) ?? DIAGNOSTIC_HINTS[2304];
  if ((d.code === 2345 || d.code === 2322) && /'string'.*'number'/.test(d.message)) {
    const call = enclosingCall(source, d.start);
    if (call && MESSAGE_NUMBER_METHODS.has(call.method)) {
      return call.method === 'top' && call.argument === 1
        ? 'TOP\'s line count is a number too: `pop.top(1, 0)` (RFC 1939 §7).'
        : `Message-numbers are numbers: \`pop.${call.method}(1)\`, not \`pop.${call.method}("1")\` (RFC 1939 §5).`;
    }
    return undefined;
  }
  return (context.completion === false ? WITHOUT_TAB[d.code] : undefined) ?? DIAGNOSTIC_HINTS[d.code];
}

/** The undeclared name of "Cannot find name 'x'" (TS2304, TS2552) or a ReferenceError's "x is not defined". */
export function undeclaredName(d: { code?: number; message: string } | undefined): string | undefined {
  if (!d) return undefined;
  return /^Cannot find name '([^']+)'/.exec(d.message)?.[1] ?? /^([A-Za-z_$][\w$]*) is not defined/.exec(d.message)?.[1];
}

/** "`createHash` comes from `node:crypto`: ..." for a name the lessons import. */
export function importHint(name: string, context: HintContext): string | undefined {
  const from = context.imports.get(name);
  return from === undefined ? undefined : `\`${name}\` comes from \`${from}\`: \`import { ${name} } from '${from}'\`, then use it.`;
}

/** "no property `gretting` here. Did you mean `greeting`?" from TypeScript's own suggestion (TS2551, TS2561). */
function didYouMean(d: InputDiagnostic): string | undefined {
  const suggestion = /Did you mean (?:to write )?'([^']+)'\?/.exec(d.message)?.[1];
  const wrong = /'([^']+)' does not exist/.exec(d.message)?.[1];
  return suggestion && wrong ? `no property \`${wrong}\` here. Did you mean \`${suggestion}\`?` : undefined;
}

/** The message with long quoted types elided. */
function shorten(message: string): string {
  return message.replace(new RegExp(`'[^']{${LONG_TYPE + 1},}'`, 'g'), "'…'").split('\n')[0] ?? message;
}

/** The method called around `offset` in `source` (`pop.retr(` → retr) and which argument the offset is in. */
function enclosingCall(source: string, offset: number | undefined): { method: string; argument: number } | undefined {
  if (offset === undefined) return undefined;
  let depth = 0;
  let argument = 0;
  for (let i = offset - 1; i >= 0; i--) {
    const ch = source[i];
    if (ch === ')' || ch === ']' || ch === '}') depth++;
    else if (ch === '[' || ch === '{') depth--;
    else if (ch === ',' && depth === 0) argument++;
    else if (ch === '(') {
      if (depth > 0) {
        depth--;
        continue;
      }
      const method = /([A-Za-z_$][\w$]*)\s*$/.exec(source.slice(0, i))?.[1];
      return method ? { method, argument } : undefined;
    }
  }
  return undefined;
}
