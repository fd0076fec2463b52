import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { bundleForBrowser } from '../helpers/browser-bundle';

const ROOT = path.join(__dirname, '..', '..');

/** Node's own globals, which a browser lacks (the bundle helper polyfills Buffer for the client only). */
const NODE_GLOBALS = new Set(['Buffer', 'process', '__dirname', '__filename', 'require', 'module', 'global', 'NodeJS', 'setImmediate']);

/** `file:line name` for each use of a Node global in a source file: identifiers only, not comments, strings or property names. */
function nodeGlobalsIn(file: string): string[] {
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

describe('the tutor core in a browser', () => {
  it('bundles with no Node module, and its files use no Node global', async () => {
    const bundle = await bundleForBrowser('src/tutor/index.ts');
    expect(bundle.inputs.filter((input) => input.startsWith('node:'))).toEqual([]);
    const ours = bundle.inputs.filter((input) => input.startsWith('src/'));
    expect(ours).toContain('src/tutor/goals.ts');
    expect(ours.filter((input) => input.startsWith('src/tutor/node/'))).toEqual([]);
    expect(ours.flatMap(nodeGlobalsIn)).toEqual([]);
  });

  it('fails, naming the Node module, for the Node front end', async () => {
    await expect(bundleForBrowser('src/tutor/node/index.ts')).rejects.toThrow(/node:/);
  });

  it('would see a Node global in a source file', () => {
    expect(nodeGlobalsIn('src/tutor/node/state-dir.ts')).toContainEqual(expect.stringMatching(/state-dir\.ts:\d+ process$/));
  });
});
