/**
 * What twoslash type-checks for each ```ts block of a lesson page. Twoslash checks one block at
 * a time, but README blocks are REPL input that builds on the names the playground injects and
 * on the lesson's earlier blocks (docs/lesson-format.md, "Code blocks"). So each block is
 * checked after the injected scope's declarations and the earlier blocks that do not fail,
 * all hidden above `// ---cut---`; a `fails` block expects the TypeScript errors its output
 * block records.
 */
import type { CodeBlock } from '../../src/tutor/code-blocks';
import { inputLines } from '../../src/tutor/code-blocks';

/** The module name the hidden declarations import the client's types from (a `paths` entry of the twoslash compiler options). */
export const CLIENT_TYPES_MODULE = 'pop3-playground';

/** A name the REPL puts in scope: an export of the client, or a value of a declared type. */
export type ScopeDeclaration = { name: string; clientExport: string } | { name: string; type: string };

/** The twoslash notation that hides what comes before it. */
const CUT = '// ---cut---';
/** A `;` twoslash keeps for the checker and hides from the reader. */
const HIDDEN_SEMICOLON = ['// ---cut-start---', ';', '// ---cut-end---'];

/**
 * True for a REPL line that the previous line would swallow once the lines are one program:
 * the REPL runs each line alone, but `a\n(b)` is the call `a(b)` (ECMAScript automatic
 * semicolon insertion does not apply before `(`, `[`, a template, `+`, `-` or `/`).
 */
function continuesPreviousLine(line: string): boolean {
  return /^\s*[([`+\-/]/.test(line);
}

/** The block's lines as one program that keeps the REPL's statement-per-line meaning. */
function programLines(block: CodeBlock, hideSemicolons: boolean): string[] {
  const out: string[] = [];
  for (const line of block.lines) {
    if (continuesPreviousLine(line)) out.push(...(hideSemicolons ? HIDDEN_SEMICOLON : [';']));
    out.push(line);
  }
  return out;
}

/** TypeScript error codes an output block shows, as the REPL prints them: `✘ Type error: ... (TS2345)`. */
export function recordedTypeErrors(block: CodeBlock): number[] {
  const codes = new Set<number>();
  for (const match of (block.output?.text ?? '').matchAll(/^✘ Type error: .*?\(TS(\d+)\)/gm)) codes.add(Number(match[1]));
  return [...codes];
}

/** True when a block is run as REPL input that later blocks build on. */
function buildsScope(block: CodeBlock): boolean {
  return block.language === 'ts' && block.mode === 'run';
}

/**
 * The code twoslash checks for `blocks[index]` (a ```ts block): the scope's declarations and
 * the earlier ```ts blocks that run without failing, hidden; then the block as the reader
 * sees it.
 */
export function twoslashSource(blocks: readonly CodeBlock[], index: number, scope: readonly ScopeDeclaration[]): string {
  const block = blocks[index];
  if (!block || block.language !== 'ts') throw new Error(`block ${index} is not a ts block`);
  const hidden: string[] = [];
  for (const entry of scope) {
    hidden.push('clientExport' in entry ? `import { ${entry.clientExport} as ${entry.name} } from '${CLIENT_TYPES_MODULE}'` : `declare const ${entry.name}: ${entry.type}`);
  }
  hidden.push('export {}');
  for (const earlier of blocks.slice(0, index)) {
    if (buildsScope(earlier)) hidden.push(...programLines({ ...earlier, lines: inputLines(earlier) }, false));
  }
  const errors = block.mode === 'fails' ? recordedTypeErrors(block) : [];
  if (errors.length > 0) hidden.push(`// @errors: ${errors.join(' ')}`);
  return [...hidden, CUT, ...programLines(block, true)].join('\n');
}

/** The declarations of what every lesson has in scope (`connect`, `sandbox`), plus the lesson's own. */
export function scopeDeclarations(sandboxType: string, lessonScope: readonly ScopeDeclaration[]): ScopeDeclaration[] {
  return [{ name: 'connect', clientExport: 'connect' }, { name: 'sandbox', type: sandboxType }, ...lessonScope];
}
