import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { LessonFormatError } from '../lesson-format';

/** A lesson file whose imports break the rule of docs/lesson-format.md. */
export class LessonImportError extends LessonFormatError {
  /** The file at fault. */
  readonly file: string;
  constructor(file: string, detail: string) {
    super(detail);
    this.file = file;
  }
}

/** Where a lesson file may take values from. */
export interface ImportRule {
  /** Folders whose files may be imported as values (the lesson's own, lessons/common). */
  allowedDirs: readonly string[];
  /** True for a bare specifier (`node:fs`, an npm package) the file may import as a value. */
  allowsPackage(specifier: string): boolean;
  /** Says what the rule allows, for the message about a file that breaks it. */
  describe: string;
}

// Static imports and re-exports, `import type` and `export type` included (told apart below).
const STATIC_IMPORT = /^[ \t]*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

/**
 * Enforces an import rule on a lesson file and, the same way, on the files it imports: values
 * only from the allowed folders and packages, project code as types only (`import type`), so
 * loading a lesson runs no project code. A file that passed is remembered in `passed` and not
 * read again.
 * @throws LessonImportError naming the file and the import at fault.
 */
export function checkLessonImports(file: string, rule: ImportRule, passed: Set<string>, visiting = new Set<string>()): void {
  if (passed.has(file) || visiting.has(file)) return;
  visiting.add(file);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new LessonImportError(file, `cannot be read: ${(error as Error).message}`);
  }
  for (const [, typeOnly, specifier] of source.matchAll(STATIC_IMPORT)) {
    if (typeOnly !== undefined || specifier === undefined) continue;
    if (!specifier.startsWith('.')) {
      if (rule.allowsPackage(specifier)) continue;
      throw new LessonImportError(file, `imports "${specifier}" as a value: ${rule.describe}`);
    }
    const target = resolveLessonModule(path.resolve(path.dirname(file), specifier));
    if (target === undefined || !rule.allowedDirs.some((d) => isInside(target, d))) {
      throw new LessonImportError(file, `imports "${specifier}" as a value: ${rule.describe}`);
    }
    if (target.endsWith('.ts')) checkLessonImports(target, rule, passed, visiting);
  }
  // Remembered only once it passed, so every lesson that imports a bad file is reported.
  passed.add(file);
}

/** The file a relative import names (`./check` is check.ts, `../common` its index.ts), or undefined when none exists. */
function resolveLessonModule(base: string): string | undefined {
  return [base, `${base}.ts`, path.join(base, 'index.ts')].find((candidate) => existsSync(candidate) && !isDirectory(candidate));
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
