import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');

/** Node's own globals, which a browser lacks (the bundle helper polyfills Buffer for the client only). */
const NODE_GLOBALS = new Set(['Buffer', 'process', '__dirname', '__filename', 'require', 'module', 'global', 'NodeJS', 'setImmediate']);

/**
 * `file:line name` for each use of one of Node's globals in a source file (repository-relative):
 * identifiers only, not comments, strings, property names or declarations of the same name.
 */
export function nodeGlobalsIn(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && NODE_GLOBALS.has(node.text)) {
      const parent = node.parent;
      const isMemberName = (ts.isPropertyAccessExpression(parent) || ts.isQualifiedName(parent) || ts.isPropertyAssignment(parent)) && (parent as { name?: ts.Node }).name === node;
      const isDeclared = (ts.isVariableDeclaration(parent) || ts.isParameter(parent)) && parent.name === node;
      if (!isMemberName && !isDeclared) found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${node.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
