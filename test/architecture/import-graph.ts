import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import ts from 'typescript';

/** How a file names another module. */
export type ImportForm = 'import' | 'export-from' | 'import-equals' | 'dynamic-import' | 'require' | 'import-type';

/** One import as written in a source file. */
export interface ImportStatement {
  specifier: string;
  form: ImportForm;
  /** Erased by the compiler: `import type`, `export type ... from`, only `type` names, `typeof import(...)`. */
  typeOnly: boolean;
  /** 1-based line of the import. */
  line: number;
}

/** What a specifier names. */
export type ImportTarget =
  | { kind: 'project'; file: string }
  | { kind: 'node'; module: string }
  | { kind: 'package'; name: string }
  | { kind: 'unresolved' };

/** An import with both ends known: `file` and a project `target` are root-relative, `/`-separated. */
export interface ImportEdge extends ImportStatement {
  file: string;
  target: ImportTarget;
}

const SOURCE_FILE = /\.(?:[cm]?[jt]s|tsx)$/;

/**
 * Reads every import of a TypeScript or JavaScript source: static imports and `export ... from`,
 * `import x = require()`, dynamic `import()` and `require()` with a literal specifier, and
 * `import('...')` types. A specifier computed at run time cannot be read and is left out.
 */
export function readImports(source: string, fileName: string): ImportStatement[] {
  const sourceFile = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: ImportStatement[] = [];
  const add = (literal: ts.Node, form: ImportForm, typeOnly: boolean): void => {
    if (!ts.isStringLiteralLike(literal)) return;
    const line = sourceFile.getLineAndCharacterOfPosition(literal.getStart(sourceFile)).line + 1;
    found.push({ specifier: literal.text, form, typeOnly, line });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node.moduleSpecifier, 'import', isTypeOnlyImport(node.importClause));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const names = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      add(node.moduleSpecifier, 'export-from', node.isTypeOnly || (names !== undefined && names.length > 0 && names.every((n) => n.isTypeOnly)));
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, 'import-equals', node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, 'import-type', true);
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1 && node.arguments[0] !== undefined) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], 'dynamic-import', false);
      else if (ts.isIdentifier(node.expression) && node.expression.text === 'require') add(node.arguments[0], 'require', false);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** `import type ...`, or named imports that are all `type` (the compiler drops the statement). */
function isTypeOnlyImport(clause: ts.ImportClause | undefined): boolean {
  if (clause === undefined) return false; // `import 'x'` runs x
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

const BUILTINS = new Set(builtinModules);
// The order Node and the compiler try for an extensionless relative specifier.
const EXTENSIONS = ['', '.ts', '.tsx', '.d.ts', '.js', '.json', '/index.ts', '/index.tsx', '/index.d.ts', '/index.js'];

/** Resolves what `specifier`, written in the root-relative `file`, names. */
export function resolveImport(root: string, file: string, specifier: string): ImportTarget {
  if (specifier.startsWith('node:') || BUILTINS.has(specifier)) return { kind: 'node', module: specifier };
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) {
    const parts = specifier.split('/');
    return { kind: 'package', name: (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/') };
  }
  const base = path.resolve(root, path.dirname(file), specifier);
  for (const extension of EXTENSIONS) {
    if (isFile(base + extension)) return { kind: 'project', file: toRootRelative(root, base + extension) };
  }
  return { kind: 'unresolved' };
}

/** Every source file under the root-relative `dirs`, root-relative and sorted (node_modules left out). */
export function listSourceFiles(root: string, dirs: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(relative);
      else if (entry.isFile() && SOURCE_FILE.test(entry.name)) files.push(relative);
    }
  };
  for (const dir of dirs) walk(dir);
  return files.sort();
}

/** Every import of every source file under `dirs`, resolved. */
export function readImportGraph(root: string, dirs: readonly string[]): ImportEdge[] {
  return listSourceFiles(root, dirs).flatMap((file) =>
    readImports(readFileSync(path.join(root, file), 'utf8'), file).map((statement) => ({
      ...statement,
      file,
      target: resolveImport(root, file, statement.specifier),
    })),
  );
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function toRootRelative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/** A rule about which imports a part of the repository may write. */
export interface ImportRule {
  /** A short name to refer to the rule by. */
  id: string;
  /** What the rule says, in one line. */
  name: string;
  /** Why it holds, in one line. */
  reason: string;
  /** Whether the rule speaks about the imports of this root-relative file. */
  governs(file: string): boolean;
  /** Whether this import, written in a file the rule governs, breaks it. */
  forbids(edge: ImportEdge): boolean;
}

/** An import that breaks a rule. */
export interface Violation {
  edge: ImportEdge;
  rule: ImportRule;
}

/** Every import that breaks one of the rules (an import breaking two is listed twice). */
export function findViolations(edges: readonly ImportEdge[], rules: readonly ImportRule[]): Violation[] {
  return edges.flatMap((edge) => rules.filter((rule) => rule.governs(edge.file) && rule.forbids(edge)).map((rule) => ({ edge, rule })));
}

/** `file:line imports 'specifier' (what it is) against rule-id: what the rule says, because why`. */
export function describeViolation({ edge, rule }: Violation): string {
  return `${edge.file}:${edge.line} imports '${edge.specifier}' (${describeTarget(edge)}) against ${rule.id}: ${rule.name}, because ${rule.reason}`;
}

function describeTarget(edge: ImportEdge): string {
  const how = edge.typeOnly ? 'types only' : `${edge.form}, at run time`;
  const target = edge.target;
  switch (target.kind) {
    case 'project':
      return `${target.file}, ${how}`;
    case 'node':
      return `Node's ${target.module}, ${how}`;
    case 'package':
      return `npm package ${target.name}, ${how}`;
    case 'unresolved':
      return `no such file, ${how}`;
  }
}
