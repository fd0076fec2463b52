import * as path from 'node:path';
import type * as TS from 'typescript';
import { declaredIdentifiers, parseInput, typescript } from './input-source';
import { TsDiagnosticError } from './ts-error';
import { projectOptions } from './transpile';
import type { InputDiagnostic } from './ts-error';

/**
 * The type checker of the REPL: one virtual file holding the declarations of injected names
 * (the prelude) and every accepted input, checked by a TypeScript language service. An input
 * that declares a name an earlier input declared makes the checker rename the earlier
 * declaration and its uses (the language service's rename locations), so the file never holds
 * two declarations of one name, as the runtime's REPL mode allows (docs/architecture.md, "The
 * evaluator").
 */
export interface TsChecker {
  /**
   * Checks `code` as the next input.
   * @returns a function that accepts it into the file (call it once the input is to run).
   * @throws TsDiagnosticError listing the errors.
   */
  check(code: string): () => void;
  /**
   * Checks `code` as the next input and takes it into the file whatever its errors: it has
   * already run (it came before the checker was ready), so later inputs may use what it declared.
   * @returns its errors, or undefined when it has none.
   */
  admit(code: string): TsDiagnosticError | undefined;
  /** The declarations every input sees (injected names); replaces the previous ones. */
  setPrelude(prelude: string): void;
  /** Forgets every input. */
  reset(): void;
  /** The type of an expression at the end of the file, as quick info shows it. */
  typeOf(expression: string): string | undefined;
  /** Builds the program once, so the first real check is quick. */
  warm(): void;
}

// Diagnostics a REPL should not show, as ts-node hid them: duplicate function (2393), unused
// (6133), implicit-any return (7027), and top-level await outside modules (1375, 1378, 1431, 1432).
const IGNORED_DIAGNOSTICS = new Set([2393, 6133, 7027, 1375, 1378, 1431, 1432]);

/** Creates the checker over `project`'s compiler options; `virtualPath` names the REPL's file. */
export function createTsChecker(project: string, virtualPath: string): TsChecker {
  const ts = typescript();
  const options: TS.CompilerOptions = { ...projectOptions(ts, project), noEmit: true, sourceMap: false, declaration: false };
  let prelude = '';
  /** The accepted inputs, earlier declarations renamed where later inputs declared a name again. */
  let body = '';
  let text = '';
  let version = 0;
  let renamed = 0;
  const snapshots = new Map<string, TS.IScriptSnapshot | undefined>();
  const setText = (next: string): void => {
    if (next === text) return;
    text = next;
    version++;
  };

  const host: TS.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [virtualPath],
    getScriptVersion: (file) => (file === virtualPath ? String(version) : '1'),
    getScriptSnapshot: (file) => {
      if (file === virtualPath) return ts.ScriptSnapshot.fromString(text);
      if (!snapshots.has(file)) {
        const content = ts.sys.readFile(file);
        snapshots.set(file, content === undefined ? undefined : ts.ScriptSnapshot.fromString(content));
      }
      return snapshots.get(file);
    },
    getCurrentDirectory: () => path.dirname(virtualPath),
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (file) => file === virtualPath || ts.sys.fileExists(file),
    readFile: (file) => (file === virtualPath ? text : ts.sys.readFile(file)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  // Doc comments are not read: the checker shows no documentation, and skipping them makes
  // the first program (~3 MB of declarations, most of it comments) build ~250 ms sooner.
  const jsDocParsingMode = ts.JSDocParsingMode.ParseNone;
  const service = ts.createLanguageService({ ...host, jsDocParsingMode }, ts.createDocumentRegistry(undefined, undefined, jsDocParsingMode));

  /** The body with every earlier top-level declaration of `names` (and its uses) renamed. */
  function renameEarlier(names: ReadonlySet<string>): string {
    if (names.size === 0 || body === '') return body;
    setText(prelude + body);
    const file = service.getProgram()?.getSourceFile(virtualPath);
    if (!file) return body;
    const edits = new Map<number, { end: number; text: string }>();
    for (const statement of file.statements) {
      for (const id of declaredIdentifiers(statement)) {
        if (!names.has(id.text) || id.getStart(file) < prelude.length) continue;
        const fresh = `${id.text}$${++renamed}`;
        const locations = service.findRenameLocations(virtualPath, id.getStart(file), false, false, { providePrefixAndSuffixTextForRename: true }) ?? [];
        for (const l of locations) {
          if (l.fileName !== virtualPath) continue;
          edits.set(l.textSpan.start, { end: l.textSpan.start + l.textSpan.length, text: `${l.prefixText ?? ''}${fresh}${l.suffixText ?? ''}` });
        }
      }
    }
    let out = prelude + body;
    for (const start of [...edits.keys()].sort((a, b) => b - a)) {
      const edit = edits.get(start)!;
      out = out.slice(0, start) + edit.text + out.slice(edit.end);
    }
    return out.slice(prelude.length);
  }

  function diagnosticsOf(offset: number): TS.Diagnostic[] {
    const found = [...service.getSyntacticDiagnostics(virtualPath), ...service.getSemanticDiagnostics(virtualPath)];
    // Earlier inputs were accepted without errors; what is new belongs to this one.
    return found.filter((d) => d.category === ts.DiagnosticCategory.Error && !IGNORED_DIAGNOSTICS.has(d.code) && (d.start === undefined || d.start >= offset)).map(withSuggestion);
  }

  /**
   * An unknown property in an object literal (TS2353) gets the "Did you mean" TypeScript gives
   * elsewhere (TS2561): the closest of the properties completion offers at that place.
   */
  function withSuggestion(d: TS.Diagnostic): TS.Diagnostic {
    const wrong = d.code === 2353 && d.start !== undefined ? /'([^']+)' does not exist/.exec(ts.flattenDiagnosticMessageText(d.messageText, '\n'))?.[1] : undefined;
    if (wrong === undefined || d.start === undefined) return d;
    const names = service.getCompletionsAtPosition(virtualPath, d.start, {})?.entries.map((e) => e.name) ?? [];
    const closest = closestName(wrong, names);
    return closest ? { ...d, messageText: `${ts.flattenDiagnosticMessageText(d.messageText, '\n')} Did you mean to write '${closest}'?` } : d;
  }

  /** The errors of `code` as the next input, and the function that takes it into the file. */
  function examine(code: string): { error: TsDiagnosticError | undefined; accept: () => void } {
    const names = new Set(parseInput(code).statements.flatMap((s) => declaredIdentifiers(s).map((id) => id.text)));
    const earlier = renameEarlier(names);
    const offset = prelude.length + earlier.length;
    setText(prelude + earlier + code);
    const errors = diagnosticsOf(offset);
    return {
      error: errors.length > 0 ? diagnosticError(ts, errors, offset, code, path.dirname(virtualPath)) : undefined,
      accept: () => {
        // A semicolon keeps this input from running on into the next (`2` then `+ 2`).
        body = earlier + code.replace(/([^\n\s])([\n\s]*)$/, (all, last: string, ws: string) => (last === ';' ? all : `${last};${ws}`));
      },
    };
  }

  function check(code: string): () => void {
    const { error, accept } = examine(code);
    if (error) throw error;
    return accept;
  }

  return {
    check,
    admit(code) {
      const { error, accept } = examine(code);
      accept();
      return error;
    },
    setPrelude(next) {
      prelude = next;
    },
    reset() {
      body = '';
    },
    typeOf(expression) {
      setText(`${prelude}${body}\n;${expression}`);
      const info = service.getQuickInfoAtPosition(virtualPath, text.length);
      return info ? ts.displayPartsToString(info.displayParts) || undefined : undefined;
    },
    warm() {
      setText(`${prelude}${body}void 0;\n`);
      service.getSemanticDiagnostics(virtualPath);
    },
  };
}

function diagnosticError(ts: typeof TS, errors: readonly TS.Diagnostic[], offset: number, code: string, cwd: string): TsDiagnosticError {
  const text = ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => cwd, getNewLine: () => '\n' });
  const diagnostics: InputDiagnostic[] = errors.map((d) => ({
    code: d.code,
    message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    ...(d.start !== undefined ? { start: d.start - offset, length: d.length ?? 0 } : {}),
  }));
  return new TsDiagnosticError(text, diagnostics, code);
}

/** The name nearest to `wrong` by edit distance, when it is near enough to be a typo. */
export function closestName(wrong: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(wrong.length / 3)) + 1;
  for (const name of names) {
    const distance = editDistance(wrong.toLowerCase(), name.toLowerCase());
    if (distance < bestDistance && name !== wrong) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, with a swap of two neighbours counted as one edit (`prot` → `port`). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}
