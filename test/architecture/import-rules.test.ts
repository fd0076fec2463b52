import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeViolation, findViolations, readImportGraph, readImports, resolveImport } from './import-graph';
import { GOVERNED_DIRS, IMPORT_RULES } from './import-rules';

const REPO_ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(__dirname, 'fixtures');

describe('the repository keeps the import rules (docs/architecture.md)', () => {
  const edges = readImportGraph(REPO_ROOT, GOVERNED_DIRS);
  const violations = findViolations(edges, IMPORT_RULES);

  it('reads the imports of src, sandbox-server, lessons and workshop', () => {
    expect(new Set(edges.map((e) => e.file.split('/')[0]))).toEqual(new Set(GOVERNED_DIRS));
    // The server's own dependency on the protocol core is seen, so the reading is not empty.
    expect(edges.some((e) => e.file.startsWith('sandbox-server/') && e.target.kind === 'project' && e.target.file.startsWith('src/protocol/'))).toBe(true);
  });

  it('resolves every relative import to a file', () => {
    expect(edges.filter((e) => e.target.kind === 'unresolved').map((e) => `${e.file}:${e.line} imports '${e.specifier}', which names no file`)).toEqual([]);
  });

  it('breaks no rule', () => {
    expect(violations.map(describeViolation)).toEqual([]);
  });
});

describe('the import checker', () => {
  it('reads every form of import, and which of them are erased as types', () => {
    const source = [
      "import a from 'static-default';",
      "import type { B } from 'type-import';",
      "import { type C, type D } from 'only-type-names';",
      "import { type E, f } from 'a-value-among-types';",
      "import 'side-effect';",
      "export * from 'export-star';",
      "export type { G } from 'export-type';",
      "export { h } from 'export-value';",
      "type I = typeof import('import-type-node');",
      "const j = require('required');",
      "const k = async () => import('dynamic');",
      "const l = require(computed), m = import(computed);",
      "const n = 'import(\"in-a-string\")';",
    ].join('\n');
    expect(readImports(source, 'sample.ts').map(({ specifier, form, typeOnly, line }) => `${line} ${specifier} ${form}${typeOnly ? ' types' : ''}`)).toEqual([
      '1 static-default import',
      '2 type-import import types',
      '3 only-type-names import types',
      '4 a-value-among-types import',
      '5 side-effect import',
      '6 export-star export-from',
      '7 export-type export-from types',
      '8 export-value export-from',
      '9 import-type-node import-type types',
      '10 required require',
      '11 dynamic dynamic-import',
    ]);
  });

  it('resolves a specifier to a project file, a Node module or a package', () => {
    const root = path.join(FIXTURES, 'clean');
    expect(resolveImport(root, 'src/tutor/node/files.ts', '../judge')).toEqual({ kind: 'project', file: 'src/tutor/judge.ts' });
    expect(resolveImport(root, 'src/cli.ts', '../sandbox-server')).toEqual({ kind: 'project', file: 'sandbox-server/index.ts' });
    expect(resolveImport(root, 'src/cli.ts', 'node:fs')).toEqual({ kind: 'node', module: 'node:fs' });
    expect(resolveImport(root, 'src/cli.ts', 'fs/promises')).toEqual({ kind: 'node', module: 'fs/promises' });
    expect(resolveImport(root, 'src/cli.ts', '@noble/hashes/sha2')).toEqual({ kind: 'package', name: '@noble/hashes' });
    expect(resolveImport(root, 'src/cli.ts', 'marked')).toEqual({ kind: 'package', name: 'marked' });
    expect(resolveImport(root, 'src/cli.ts', './no-such-file')).toEqual({ kind: 'unresolved' });
  });

  it('passes a tree that uses every kind of import the rules allow', () => {
    const edges = readImportGraph(path.join(FIXTURES, 'clean'), GOVERNED_DIRS);
    expect(edges.length).toBeGreaterThan(20);
    expect(findViolations(edges, IMPORT_RULES).map(describeViolation)).toEqual([]);
  });

  it('reports every import planted in the wrong room, with the rule it breaks', () => {
    const edges = readImportGraph(path.join(FIXTURES, 'bad'), GOVERNED_DIRS);
    const found = findViolations(edges, IMPORT_RULES).map((v) => `${v.edge.file} → ${v.edge.specifier}: ${v.rule.id}`);
    expect(found.sort()).toEqual([
      'lessons/01-first/lesson.ts → ../../src/tutor/judge: lessons-are-data',
      'lessons/01-first/lesson.ts → ../02-second/data: lessons-are-data',
      'lessons/01-first/lesson.ts → ./exercises/first/exercise: lessons-are-data',
      'lessons/01-first/lesson.ts → node:crypto: lessons-are-data',
      'sandbox-server/uses-tutor.ts → ../src/tutor/judge: server-stands-alone',
      'src/ports/pure-crypto.ts → ./node-crypto: ports-split-by-platform',
      'src/ports/pure-crypto.ts → node:crypto: ports-split-by-platform',
      'src/protocol/uses-client.ts → ../client/connect: protocol-is-pure',
      'src/protocol/uses-node.ts → node:util: protocol-is-pure',
      'src/protocol/uses-package.ts → marked: protocol-is-pure',
      'src/protocol/uses-server.ts → ../../sandbox-server: client-and-server-apart',
      'src/protocol/uses-server.ts → ../../sandbox-server: only-the-cli-starts-the-sandbox',
      'src/repl/uses-server.ts → ../../sandbox-server: only-the-cli-starts-the-sandbox',
      'src/repl/uses-workshop.ts → ../../workshop/classroom: nothing-imports-the-classroom',
      'src/tutor/uses-client.ts → ../client/connect: tutor-core-is-portable',
      'src/tutor/uses-node-side.ts → ./node/files: tutor-core-is-portable',
      'src/tutor/uses-node-types.ts → node:fs: tutor-core-is-portable',
      'src/tutor/uses-repl.ts → ../repl/prompt: tutor-core-is-portable',
      'workshop/uses-repl.ts → ../src/repl/prompt: classroom-serves-no-front-end',
    ]);
    // Every rule is proven by at least one planted import.
    expect(new Set(found.map((f) => f.split(': ')[1]))).toEqual(new Set(IMPORT_RULES.map((r) => r.id)));
  });

  it('names the file, the line, the import and the rule, with its reason', () => {
    const edges = readImportGraph(path.join(FIXTURES, 'bad'), GOVERNED_DIRS);
    const [violation] = findViolations(edges.filter((e) => e.file === 'src/protocol/uses-node.ts'), IMPORT_RULES);
    expect(violation && describeViolation(violation)).toBe(
      "src/protocol/uses-node.ts:1 imports 'node:util' (Node's node:util, export-from, at run time) against protocol-is-pure: " +
        'src/protocol imports at run time only src/protocol and pure npm packages, no node: module, ' +
        'because the wire format is bytes in, values out, so it runs unchanged on Node, in a browser and in a unit test',
    );
  });
});
