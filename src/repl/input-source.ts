/**
 * One REPL input as source: the names it declares at its top level, and the same input
 * rewritten to run as a script of its own (imports become `require` declarations). The
 * checker renames earlier declarations of the names an input declares again; the runner needs
 * every input to be a script, since V8's REPL mode runs scripts, not modules
 * (docs/architecture.md, "The evaluator").
 */
import type * as TS from 'typescript';

/** The TypeScript compiler, loaded on first use (fast mode loads it only for inputs that need it). */
export function typescript(): typeof TS {
  return require('typescript') as typeof TS;
}

/** Parses an input (or the checker's file) as TypeScript. */
export function parseInput(code: string, fileName = '<input>.ts'): TS.SourceFile {
  const ts = typescript();
  return ts.createSourceFile(fileName, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

/** The identifiers a top-level statement declares: variables (destructured too), functions, classes, types, imports. */
export function declaredIdentifiers(statement: TS.Statement): TS.Identifier[] {
  const ts = typescript();
  const names: TS.Identifier[] = [];
  const fromBinding = (name: TS.BindingName): void => {
    if (ts.isIdentifier(name)) names.push(name);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) fromBinding(element.name);
  };
  if (ts.isVariableStatement(statement)) {
    for (const declaration of statement.declarationList.declarations) fromBinding(declaration.name);
  } else if (
    ts.isFunctionDeclaration(statement) ||
    ts.isClassDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) ||
    ts.isInterfaceDeclaration(statement) ||
    ts.isEnumDeclaration(statement) ||
    ts.isImportEqualsDeclaration(statement)
  ) {
    if (statement.name && ts.isIdentifier(statement.name)) names.push(statement.name);
  } else if (ts.isImportDeclaration(statement) && statement.importClause) {
    const clause = statement.importClause;
    if (clause.name) names.push(clause.name);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) names.push(bindings.name);
    else if (bindings) for (const element of bindings.elements) names.push(element.name);
  }
  return names;
}

/** The names an input declares at its top level, in order. */
export function declaredNames(code: string): string[] {
  return parseInput(code).statements.flatMap((s) => declaredIdentifiers(s).map((id) => id.text));
}

const IMPORT_OR_EXPORT = /\b(?:import|export)\b/;

/**
 * The input as a script: each top-level `import` becomes a `const` declaration of the same
 * names from `require` (with esModuleInterop's meaning of default and namespace imports), type
 * imports go, and `export` modifiers are dropped, so the names stay declared for later inputs.
 * Inputs without either keyword are returned as they are, without loading the compiler.
 */
export function asScript(code: string): string {
  if (!IMPORT_OR_EXPORT.test(code)) return code;
  const ts = typescript();
  const file = parseInput(code);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      edits.push({ start: statement.getStart(file), end: statement.getEnd(), text: importAsRequire(ts, statement) });
    } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) {
      const text = statement.isTypeOnly ? '' : `const ${statement.name.text} = require(${statement.moduleReference.expression.getText(file)});`;
      edits.push({ start: statement.getStart(file), end: statement.getEnd(), text });
    } else {
      const exported = ts.canHaveModifiers(statement) ? ts.getModifiers(statement)?.find((m) => m.kind === ts.SyntaxKind.ExportKeyword) : undefined;
      if (exported) edits.push({ start: exported.getStart(file), end: exported.getEnd(), text: '' });
    }
  }
  let out = code;
  for (const edit of edits.reverse()) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

function importAsRequire(ts: typeof TS, statement: TS.ImportDeclaration): string {
  const from = `require(${statement.moduleSpecifier.getText()})`;
  const clause = statement.importClause;
  if (!clause) return `${from};`;
  if (clause.isTypeOnly) return '';
  const parts: string[] = [];
  // esModuleInterop: a CommonJS module is its own default export, and its namespace too.
  if (clause.name) parts.push(`const ${clause.name.text} = ((m) => (m && m.__esModule ? m.default : m))(${from});`);
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) {
    parts.push(`const ${bindings.name.text} = ((m) => (m && m.__esModule ? m : { ...m, default: m }))(${from});`);
  } else if (bindings) {
    const names = bindings.elements.filter((e) => !e.isTypeOnly).map((e) => (e.propertyName ? `${e.propertyName.text}: ${e.name.text}` : e.name.text));
    if (names.length > 0) parts.push(`const { ${names.join(', ')} } = ${from};`);
  }
  return parts.join(' ');
}
