/**
 * The page's REPL compiler: one statement typed at the prompt, TypeScript, becomes the body of
 * an async function that runs in the page's scope, as node:repl runs it in the terminal.
 * Types go (sucrase, a small transpiler); then top-level declarations become assignments to
 * the scope (so the next statement sees them), `import` becomes a lookup of the page's modules,
 * top-level `await` works, and the value of a final expression statement is returned, to be
 * printed as the REPL prints it.
 */
import { Parser } from 'acorn';
import type { Node, Pattern, Program, Statement, ModuleDeclaration } from 'acorn';
import { transform } from 'sucrase';

/** How a name was declared: `const` (and imports) cannot be assigned again; `var` and functions may be declared again. */
export type DeclarationKind = 'const' | 'let' | 'var';

/** A statement ready to run, and the names it declares. */
export interface CompiledStatement {
  /** The body of an async function `(scope, importModule) => value`, run inside `with (scope)`. */
  body: string;
  /** Names the statement declares at top level, to exist in the scope before it runs. */
  declared: { name: string; kind: DeclarationKind }[];
}

/** A syntax error in what was typed, or input that is not finished yet (more lines to come). */
export class ReplSyntaxError extends SyntaxError {
  /** True when more input could complete the statement (node:repl's `Recoverable`). */
  readonly incomplete: boolean;
  constructor(message: string, incomplete: boolean) {
    super(message);
    this.name = 'SyntaxError';
    this.incomplete = incomplete;
  }
}

interface PositionedError {
  message: string;
  pos?: number;
}

/** True for a parse error that more input could fix: it stopped at the end, or in a template or comment. */
function atEndOfInput(error: PositionedError, source: string): boolean {
  if (error.pos !== undefined && error.pos >= source.trimEnd().length) return true;
  return /^Unterminated (template|comment)/.test(error.message);
}

/** TypeScript to JavaScript: types removed, every import kept (a REPL line imports for the next one). */
function stripTypes(source: string): string {
  try {
    return transform(source, { transforms: ['typescript'], disableESTransforms: true, keepUnusedImports: true }).code;
  } catch (error) {
    const e = error as PositionedError;
    throw new ReplSyntaxError(e.message, atEndOfInput(e, source));
  }
}

function parse(code: string): Program {
  try {
    return Parser.parse(code, { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true, allowReturnOutsideFunction: false });
  } catch (error) {
    const e = error as PositionedError;
    throw new ReplSyntaxError(e.message, atEndOfInput(e, code));
  }
}

/** The names a binding pattern binds (`{ a, b: [c] }` binds a and c). */
function boundNames(pattern: Pattern): string[] {
  switch (pattern.type) {
    case 'Identifier':
      return [pattern.name];
    case 'ObjectPattern':
      return pattern.properties.flatMap((p) => (p.type === 'RestElement' ? boundNames(p.argument) : boundNames(p.value)));
    case 'ArrayPattern':
      return pattern.elements.flatMap((e) => (e ? boundNames(e) : []));
    case 'RestElement':
      return boundNames(pattern.argument);
    case 'AssignmentPattern':
      return boundNames(pattern.left);
    default:
      return [];
  }
}

const text = (code: string, node: Node): string => code.slice(node.start, node.end);

/** The module specifier and bindings of an import, as an assignment from the page's module lookup. */
function importAssignment(node: Extract<ModuleDeclaration, { type: 'ImportDeclaration' }>): { code: string; names: string[] } {
  const from = `(await __import(${JSON.stringify(node.source.value)}))`;
  const names: string[] = [];
  const parts: string[] = [];
  const named: string[] = [];
  for (const specifier of node.specifiers) {
    names.push(specifier.local.name);
    if (specifier.type === 'ImportNamespaceSpecifier') parts.push(`${specifier.local.name} = __module`);
    else if (specifier.type === 'ImportDefaultSpecifier') parts.push(`${specifier.local.name} = __module.default`);
    else named.push(`${specifier.imported.type === 'Identifier' ? specifier.imported.name : JSON.stringify(specifier.imported.value)}: ${specifier.local.name}`);
  }
  if (named.length > 0) parts.push(`({ ${named.join(', ')} } = __module)`);
  return { code: `{ const __module = ${from}; ${parts.join('; ')}; }`, names };
}

function rewrite(code: string, statement: Statement | ModuleDeclaration, last: boolean): { code: string; declared: CompiledStatement['declared'] } {
  switch (statement.type) {
    case 'VariableDeclaration': {
      const kind: DeclarationKind = statement.kind === 'using' || statement.kind === 'await using' ? 'const' : statement.kind;
      const declared = statement.declarations.flatMap((d) => boundNames(d.id).map((name) => ({ name, kind })));
      const assignments = statement.declarations.filter((d) => d.init).map((d) => `(${text(code, d.id)} = ${text(code, d.init as Node)});`);
      return { code: assignments.join(' '), declared };
    }
    case 'FunctionDeclaration':
    case 'ClassDeclaration': {
      const name = statement.id?.name ?? '';
      return { code: `${name} = (${text(code, statement)});`, declared: [{ name, kind: statement.type === 'ClassDeclaration' ? 'let' : 'var' }] };
    }
    case 'ImportDeclaration': {
      const assignment = importAssignment(statement);
      return { code: assignment.code, declared: assignment.names.map((name) => ({ name, kind: 'const' })) };
    }
    case 'ExpressionStatement':
      return { code: last ? `return (${text(code, statement.expression)});` : text(code, statement), declared: [] };
    case 'ExportNamedDeclaration':
    case 'ExportDefaultDeclaration':
    case 'ExportAllDeclaration':
      throw new ReplSyntaxError('export works in a module file, not at the prompt', false);
    default:
      return { code: text(code, statement), declared: [] };
  }
}

/**
 * Compiles one REPL input (a line, or the lines of an unfinished statement) to run in scope.
 * @throws ReplSyntaxError, with `incomplete` set when more lines could finish the input.
 */
export function compileStatement(source: string): CompiledStatement {
  const code = stripTypes(source);
  const program = parse(code);
  const body: string[] = [];
  const declared: CompiledStatement['declared'] = [];
  program.body.forEach((statement, i) => {
    const part = rewrite(code, statement, i === program.body.length - 1);
    body.push(part.code);
    declared.push(...part.declared);
  });
  return { body: body.join('\n'), declared };
}

/**
 * Splits what was typed into the inputs the REPL would evaluate: one per line, except that a
 * line that leaves a statement unfinished (an open brace, a template) takes the next ones with
 * it, as node:repl does.
 */
export function splitInputs(lines: readonly string[]): string[] {
  const inputs: string[] = [];
  let pending = '';
  for (const line of lines) {
    if (pending === '' && (line.trim() === '' || /^\s*\/\/(?!\/)/.test(line))) continue;
    pending = pending === '' ? line : `${pending}\n${line}`;
    try {
      compileStatement(pending);
    } catch (error) {
      if (error instanceof ReplSyntaxError && error.incomplete) continue;
    }
    inputs.push(pending);
    pending = '';
  }
  if (pending !== '') inputs.push(pending);
  return inputs;
}
