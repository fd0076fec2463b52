import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Lesson, LessonDefinition } from '../lesson';
import { LessonFormatError, SHARED_LESSON_FOLDER, validateLessonDefinition, validateManifest } from '../lesson-format';
import type { LessonFormatOptions, LessonManifest, LessonProblem, LoadedLessons } from '../lesson-format';
import { checkLessonImports, LessonImportError } from './lesson-imports';
import type { ImportRule } from './lesson-imports';

/** Options for {@link loadLessons}. */
export interface LoadLessonsOptions extends LessonFormatOptions {
  /**
   * The module whose exports `clientExport` scope entries name, loaded only when a lesson names
   * one (default: this project's client, src/client).
   */
  clientModule?: string;
}

/** This project's client, which lessons' `clientExport` scope entries name by default. */
export const CLIENT_MODULE = path.join(__dirname, '..', '..', 'client');

/** A lesson's file at fault, and why. */
class LessonLoadError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(message);
    this.file = file;
  }
}

/**
 * Loads every lesson named in `<dir>/manifest.json`. A broken lesson is reported in
 * `problems` with its path and the reason, and the others still load. Throws only when the
 * manifest itself is unusable, since then there is no order to follow.
 * @throws LessonFormatError when manifest.json is missing or malformed.
 */
export async function loadLessons(lessonsDir: string, options: LoadLessonsOptions = {}): Promise<LoadedLessons> {
  // Absolute, so a lesson module is imported by path and never looked up as a package.
  const dir = path.resolve(lessonsDir);
  const manifest = readManifest(path.join(dir, 'manifest.json'));
  const lessons: Lesson[] = [];
  const problems: LessonProblem[] = [];
  const checkedFiles: CheckedFiles = { lessons: new Set() };
  let clientExports: Promise<ReadonlySet<string>> | undefined;
  const exportsOfClient = (): Promise<ReadonlySet<string>> => (clientExports ??= exportNames(options.clientModule ?? CLIENT_MODULE));
  for (const [index, folder] of manifest.order.entries()) {
    const lessonDir = path.join(dir, folder);
    try {
      lessons.push(await loadLesson(lessonDir, folder, index + 1, options, checkedFiles, exportsOfClient));
    } catch (error) {
      const at = error instanceof LessonLoadError || error instanceof LessonImportError ? error.file : lessonDir;
      problems.push({ path: at, reason: describe(error) });
    }
  }
  for (const entry of safeReaddir(dir)) {
    const full = path.join(dir, entry);
    if (!manifest.order.includes(entry) && entry !== SHARED_LESSON_FOLDER && isDirectory(full)) {
      problems.push({ path: full, reason: 'folder is not listed in manifest.json "order", so it is never shown' });
    }
  }
  return { lessons, problems };
}

/**
 * Reads and validates lessons/manifest.json.
 * @throws LessonFormatError when it is missing, not JSON, or not a manifest.
 */
export function readManifest(manifestPath: string): LessonManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    throw new LessonFormatError(`${manifestPath}: ${describe(error)}`);
  }
  return validateManifest(parsed, manifestPath);
}

/** Files that passed an import rule in this load, per rule (a file may pass one and not the other). */
interface CheckedFiles {
  lessons: Set<string>;
}

/** The one npm package lessons may take values from: pure hashes (MD5 for APOP), which run anywhere. */
const isLessonPackage = (specifier: string): boolean => specifier === '@noble/hashes' || specifier.startsWith('@noble/hashes/');

/**
 * docs/lesson-format.md: lesson.ts and the files it imports take values only from their own
 * folder, lessons/common and @noble/hashes, never from a Node module, so a lesson runs wherever
 * the tutor does (a terminal, a classroom server, a browser).
 */
function lessonImportRule(realDir: string): ImportRule {
  return {
    allowedDirs: [realDir, path.join(path.dirname(realDir), SHARED_LESSON_FOLDER)],
    allowsPackage: isLessonPackage,
    describe: `a lesson imports values only from its own folder, ../${SHARED_LESSON_FOLDER} and @noble/hashes, no node: module, and project code with \`import type\``,
  };
}

/**
 * A file exercise's definition runs on Node only (verify loads it), so it may also use node:
 * modules; `lessonsDir` is the folder of every lesson (its lessons/common included).
 */
export function exerciseImportRule(realDir: string, lessonsDir: string): ImportRule {
  return {
    allowedDirs: [realDir, path.join(lessonsDir, SHARED_LESSON_FOLDER)],
    allowsPackage: (specifier) => specifier.startsWith('node:') || isLessonPackage(specifier),
    describe: `an exercise imports values only from node: modules, its own folder, lessons/${SHARED_LESSON_FOLDER} and @noble/hashes, and project code with \`import type\``,
  };
}

async function loadLesson(
  dir: string,
  id: string,
  number: number,
  options: LoadLessonsOptions,
  checkedFiles: CheckedFiles,
  exportsOfClient: () => Promise<ReadonlySet<string>>,
): Promise<Lesson> {
  if (!isDirectory(dir)) throw new LessonLoadError(dir, 'folder not found (listed in manifest.json)');
  const readmePath = path.join(dir, 'README.md');
  if (!existsSync(readmePath)) throw new LessonLoadError(readmePath, 'README.md is missing (the lesson prose)');
  const markdown = readFileSync(readmePath, 'utf8');
  const modulePath = path.join(dir, 'lesson.ts');
  if (!existsSync(modulePath)) throw new LessonLoadError(modulePath, 'lesson.ts is missing (the lesson data)');
  // Checked before importing: a lesson that breaks the rule must not get to run project code.
  // Judged where the files really are: Node resolves a linked lesson folder's imports from there.
  const realDir = realpathSync(dir);
  checkLessonImports(path.join(realDir, 'lesson.ts'), lessonImportRule(realDir), checkedFiles.lessons);
  let loaded: unknown;
  try {
    loaded = await import(modulePath);
  } catch (error) {
    throw new LessonLoadError(modulePath, `cannot be loaded: ${describe(error)}`);
  }
  const definition = defaultExport(loaded);
  let formatOptions: LessonFormatOptions = options;
  if (options.isClientExport === undefined && namesClientExports(definition)) {
    let names: ReadonlySet<string>;
    try {
      names = await exportsOfClient();
    } catch (error) {
      throw new LessonLoadError(modulePath, `names client exports in scope, and the client did not load: ${describe(error)}`);
    }
    formatOptions = { ...options, isClientExport: (name) => names.has(name) };
  }
  try {
    validateLessonDefinition(definition, formatOptions);
  } catch (error) {
    throw new LessonLoadError(modulePath, describe(error));
  }
  return { id, number, dir, markdown, definition: definition as LessonDefinition };
}

/** True when a definition's scope has an entry naming a client export (before it is validated). */
function namesClientExports(definition: unknown): boolean {
  const scope = (definition as { scope?: unknown } | null)?.scope;
  return Array.isArray(scope) && scope.some((entry) => typeof entry === 'object' && entry !== null && 'clientExport' in entry);
}

/** The names a module exports, loading it. */
async function exportNames(modulePath: string): Promise<ReadonlySet<string>> {
  const loaded = (await import(modulePath)) as Record<string, unknown>;
  return new Set(Object.keys(loaded));
}

/** Unwraps `export default` across module systems (ts-node's CommonJS, vitest's ESM). */
export function defaultExport(loaded: unknown): unknown {
  let value = loaded;
  for (let i = 0; i < 2 && typeof value === 'object' && value !== null && 'default' in value; i++) value = (value as { default: unknown }).default;
  return value;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}
