/** What an error's hint may rely on: which server the REPL talks to, and what the lessons import. */
export interface HintContext {
  /** False with --server: no hint names the embedded sandbox's parts (`sandbox.ca`, `sandbox.tlsPort`). */
  embedded: boolean;
  /** Names the lessons import, with the module they come from: `createHash` → `node:crypto`. */
  imports: ReadonlyMap<string, string>;
  /** Whether Tab completes: not without a terminal, nor at a dumb one (TERM=dumb). Default true. */
  completion?: boolean;
}

/** The context of the embedded sandbox with no lessons: the default for tests and one-off calls. */
export const DEFAULT_HINT_CONTEXT: HintContext = { embedded: true, imports: new Map() };

/** A hint that differs between the embedded sandbox and another server (--server). */
export interface ScopedHint {
  embedded: string;
  server: string;
}

/** The hint for this context. */
export function scoped(hint: string | ScopedHint | undefined, context: HintContext): string | undefined {
  return typeof hint === 'object' ? (context.embedded ? hint.embedded : hint.server) : hint;
}

const NAMED_IMPORT = /import\s*(?:type\s+)?\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g;
const DEFAULT_IMPORT = /import\s+([A-Za-z_$][\w$]*)\s*(?:,\s*\{[^}]*\})?\s*from\s*['"]([^'"]+)['"]/g;
const REQUIRED = /(?:const|let|var)\s*\{([^}]*)\}\s*=\s*require\(\s*['"]([^'"]+)['"]\s*\)/g;

/**
 * The names lessons import, read from their text and solutions (`import { createHash } from
 * 'node:crypto'`, `const { x } = require('m')`), so an undeclared one can be answered with
 * where it comes from.
 */
export function importedNames(texts: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const text of texts) {
    for (const pattern of [NAMED_IMPORT, REQUIRED]) {
      for (const [, list = '', from = ''] of text.matchAll(pattern)) {
        for (const part of list.split(',')) {
          // `a as b` and `a: b` bring in b.
          const name = part.trim().split(/\s+as\s+|\s*:\s*/).pop()?.trim();
          if (name && /^[A-Za-z_$][\w$]*$/.test(name) && !names.has(name)) names.set(name, from);
        }
      }
    }
    for (const [, name = '', from = ''] of text.matchAll(DEFAULT_IMPORT)) if (!names.has(name)) names.set(name, from);
  }
  return names;
}
