import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { CodedError } from '../protocol/errors';
import { LESSON_FORMAT_VERSION } from './lesson';
import type { Lesson, LessonDefinition } from './lesson';

/** lessons/manifest.json. */
export interface LessonManifest {
  formatVersion: 1;
  /** Lesson folder names, in teaching order. */
  order: string[];
}

/** A lesson (or the manifest) that could not be loaded, and why. */
export interface LessonProblem {
  /** The file at fault. */
  path: string;
  reason: string;
}

/** What the loader found: the lessons that loaded, and the problems with the others. */
export interface LoadedLessons {
  lessons: Lesson[];
  problems: LessonProblem[];
}

/** Options for {@link loadLessons}. */
export interface LoadLessonsOptions {
  /** Says whether a seed message name exists; when given, mailbox states are checked against it. */
  isSeedMessage?: (name: string) => boolean;
}

/** Thrown when a lesson definition breaks the format; the message says where. */
export class LessonFormatError extends CodedError {
  constructor(detail: string) {
    super('LESSON_FORMAT', detail);
  }
}

/** The folder of helpers shared by lessons (`lessons/common/`): never a lesson itself. */
export const SHARED_LESSON_FOLDER = 'common';

const LESSON_KEYS = new Set(['formatVersion', 'title', 'summary', 'rfc', 'start', 'goals', 'mistakes', 'solution', 'scope', 'exercise']);

/**
 * Loads every lesson named in `<dir>/manifest.json`. A broken lesson is reported in
 * `problems` with its path and the reason, and the others still load. Throws only when the
 * manifest itself is unusable, since then there is no order to follow.
 * @throws LessonFormatError when manifest.json is missing or malformed.
 */
export async function loadLessons(lessonsDir: string, options: LoadLessonsOptions = {}): Promise<LoadedLessons> {
  // Absolute, so a lesson module is imported by path and never looked up as a package.
  const dir = path.resolve(lessonsDir);
  const manifestPath = path.join(dir, 'manifest.json');
  const manifest = readManifest(manifestPath);
  const lessons: Lesson[] = [];
  const problems: LessonProblem[] = [];
  const checkedFiles = new Set<string>();
  for (const [index, folder] of manifest.order.entries()) {
    const lessonDir = path.join(dir, folder);
    try {
      lessons.push(await loadLesson(lessonDir, folder, index + 1, options, checkedFiles));
    } catch (error) {
      const at = error instanceof LessonLoadError ? error.file : lessonDir;
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

/** Reads and validates lessons/manifest.json. */
export function readManifest(manifestPath: string): LessonManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    throw new LessonFormatError(`${manifestPath}: ${describe(error)}`);
  }
  if (!isRecord(parsed)) throw new LessonFormatError(`${manifestPath}: expected a JSON object`);
  if (parsed.formatVersion !== LESSON_FORMAT_VERSION) {
    throw new LessonFormatError(`${manifestPath}: formatVersion must be ${LESSON_FORMAT_VERSION}, got ${JSON.stringify(parsed.formatVersion)}`);
  }
  const order = parsed.order;
  if (!Array.isArray(order) || !order.every((o): o is string => typeof o === 'string' && /^[\w.-]+$/.test(o))) {
    throw new LessonFormatError(`${manifestPath}: "order" must be an array of lesson folder names`);
  }
  const seen = new Set<string>();
  for (const name of order) {
    if (seen.has(name)) throw new LessonFormatError(`${manifestPath}: "${name}" appears twice in "order"`);
    if (name === SHARED_LESSON_FOLDER) throw new LessonFormatError(`${manifestPath}: "${name}" holds the lessons' shared helpers and cannot be a lesson`);
    seen.add(name);
  }
  return { formatVersion: LESSON_FORMAT_VERSION, order };
}

class LessonLoadError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(message);
    this.file = file;
  }
}

async function loadLesson(dir: string, id: string, number: number, options: LoadLessonsOptions, checkedFiles: Set<string>): Promise<Lesson> {
  if (!isDirectory(dir)) throw new LessonLoadError(dir, 'folder not found (listed in manifest.json)');
  const readmePath = path.join(dir, 'README.md');
  if (!existsSync(readmePath)) throw new LessonLoadError(readmePath, 'README.md is missing (the lesson prose)');
  const markdown = readFileSync(readmePath, 'utf8');
  const modulePath = path.join(dir, 'lesson.ts');
  if (!existsSync(modulePath)) throw new LessonLoadError(modulePath, 'lesson.ts is missing (the lesson data)');
  // Checked before importing: a lesson that breaks the rule must not get to run project code.
  // Judged where the files really are: Node resolves a linked lesson folder's imports from there.
  const realDir = realpathSync(dir);
  checkLessonImports(path.join(realDir, 'lesson.ts'), [realDir, path.join(path.dirname(realDir), SHARED_LESSON_FOLDER)], checkedFiles);
  let loaded: unknown;
  try {
    loaded = await import(modulePath);
  } catch (error) {
    throw new LessonLoadError(modulePath, `cannot be loaded: ${describe(error)}`);
  }
  const definition = defaultExport(loaded);
  try {
    validateLessonDefinition(definition, options);
  } catch (error) {
    throw new LessonLoadError(modulePath, describe(error));
  }
  const exercise = (definition as LessonDefinition).exercise;
  for (const file of exercise ? [exercise.template, exercise.solution] : []) {
    const full = path.join(dir, file);
    if (!existsSync(full)) throw new LessonLoadError(full, 'is missing (named by exercise in lesson.ts)');
  }
  return { id, number, dir, markdown, definition: definition as LessonDefinition };
}

// Static imports and re-exports, `import type` and `export type` included (told apart below).
const STATIC_IMPORT = /^[ \t]*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

/**
 * Enforces the import rule of docs/lesson-format.md: a lesson file imports values only from
 * Node's built-in modules, its own folder and the shared helpers (lessons/common), and
 * project code as types only (`import type`), so loading a lesson runs no project code.
 * Files it imports are checked the same way; a file that passed is not read again in this load.
 * @throws LessonLoadError naming the file and the import at fault.
 */
function checkLessonImports(file: string, allowedDirs: readonly string[], passed: Set<string>, visiting = new Set<string>()): void {
  if (passed.has(file) || visiting.has(file)) return;
  visiting.add(file);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new LessonLoadError(file, `cannot be read: ${describe(error)}`);
  }
  for (const [, typeOnly, specifier] of source.matchAll(STATIC_IMPORT)) {
    if (typeOnly !== undefined || specifier === undefined || specifier.startsWith('node:')) continue;
    const target = specifier.startsWith('.') ? resolveLessonModule(path.resolve(path.dirname(file), specifier)) : undefined;
    if (target === undefined || !allowedDirs.some((d) => isInside(target, d))) {
      throw new LessonLoadError(
        file,
        `imports "${specifier}" as a value: a lesson imports values only from node: modules, its own folder and ../${SHARED_LESSON_FOLDER}, and project code with \`import type\``,
      );
    }
    if (target.endsWith('.ts')) checkLessonImports(target, allowedDirs, passed, visiting);
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

/** Unwraps `export default` across module systems (ts-node's CommonJS, vitest's ESM). */
function defaultExport(loaded: unknown): unknown {
  let value = loaded;
  for (let i = 0; i < 2 && isRecord(value) && 'default' in value; i++) value = value.default;
  return value;
}

/**
 * Checks a lesson definition against the format (docs/lesson-format.md).
 * @throws LessonFormatError naming the first field at fault.
 */
export function validateLessonDefinition(value: unknown, options: LoadLessonsOptions = {}): asserts value is LessonDefinition {
  const fail = (detail: string): never => {
    throw new LessonFormatError(detail);
  };
  if (!isRecord(value)) fail('the default export must be a lesson object (export default lesson)');
  const lesson = value as Record<string, unknown>;
  for (const key of Object.keys(lesson)) if (!LESSON_KEYS.has(key)) fail(`unknown field "${key}"`);
  if (lesson.formatVersion !== LESSON_FORMAT_VERSION) fail(`formatVersion must be ${LESSON_FORMAT_VERSION}, got ${JSON.stringify(lesson.formatVersion)}`);
  if (typeof lesson.title !== 'string' || lesson.title.trim() === '') fail('title must be a non-empty string');
  if (lesson.summary !== undefined && typeof lesson.summary !== 'string') fail('summary must be a string');
  if (lesson.rfc !== undefined && !isStringArray(lesson.rfc)) fail('rfc must be an array of strings');
  if (lesson.solution !== undefined && !isStringArray(lesson.solution)) fail('solution must be an array of REPL input lines');
  const goalIds = new Set<string>();
  if (lesson.goals !== undefined) {
    if (!Array.isArray(lesson.goals)) fail('goals must be an array');
    for (const [i, goal] of (lesson.goals as unknown[]).entries()) {
      const at = `goals[${i}]`;
      if (!isRecord(goal)) fail(`${at} must be an object`);
      const g = goal as Record<string, unknown>;
      if (typeof g.id !== 'string' || !/^[\w-]+$/.test(g.id)) fail(`${at}.id must be a word (letters, digits, - or _)`);
      if (goalIds.has(g.id as string)) fail(`${at}.id "${String(g.id)}" is used twice`);
      goalIds.add(g.id as string);
      if (typeof g.text !== 'string' || g.text === '') fail(`${at}.text must be a non-empty string`);
      if (typeof g.check !== 'function') fail(`${at}.check must be a function (facts) => boolean`);
      if (g.hints !== undefined && !isStringArray(g.hints)) fail(`${at}.hints must be an array of strings`);
    }
  }
  if (lesson.mistakes !== undefined) {
    if (!Array.isArray(lesson.mistakes)) fail('mistakes must be an array');
    for (const [i, mistake] of (lesson.mistakes as unknown[]).entries()) {
      const at = `mistakes[${i}]`;
      if (!isRecord(mistake)) fail(`${at} must be an object`);
      const m = mistake as Record<string, unknown>;
      if (typeof m.id !== 'string' || m.id === '') fail(`${at}.id must be a non-empty string`);
      if (typeof m.when !== 'function') fail(`${at}.when must be a function (facts) => boolean`);
      if (typeof m.hint !== 'string' || m.hint === '') fail(`${at}.hint must be a non-empty string`);
      if (m.example !== undefined && !isStringArray(m.example)) fail(`${at}.example must be an array of REPL input lines`);
    }
  }
  if (lesson.scope !== undefined) {
    if (!Array.isArray(lesson.scope)) fail('scope must be an array');
    for (const [i, entry] of (lesson.scope as unknown[]).entries()) {
      const at = `scope[${i}]`;
      if (!isRecord(entry)) fail(`${at} must be an object`);
      const s = entry as Record<string, unknown>;
      if (typeof s.name !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(s.name)) fail(`${at}.name must be an identifier`);
      if (typeof s.type !== 'string' || s.type === '') fail(`${at}.type must be TypeScript type text`);
    }
  }
  if (lesson.start !== undefined) validateStart(lesson.start, options, fail);
  if (lesson.exercise !== undefined) validateExercise(lesson.exercise, fail);
}

function validateExercise(exercise: unknown, fail: (detail: string) => never): void {
  if (!isRecord(exercise)) fail('exercise must be an object { file, template, solution, run }');
  const e = exercise as Record<string, unknown>;
  for (const key of Object.keys(e)) if (!['file', 'template', 'solution', 'run'].includes(key)) fail(`exercise: unknown field "${key}"`);
  // A plain file name: the learner's file lives directly in the workspace folder.
  if (typeof e.file !== 'string' || !/^[\w.-]+\.ts$/.test(e.file)) fail('exercise.file must be a file name ending in .ts, e.g. "fetcher.ts"');
  for (const key of ['template', 'solution']) {
    if (typeof e[key] !== 'string' || e[key] === '' || path.isAbsolute(e[key] as string)) fail(`exercise.${key} must be a path relative to the lesson folder`);
  }
  if (typeof e.run !== 'function') fail('exercise.run must be a function (context) => Promise<result>');
}

function validateStart(start: unknown, options: LoadLessonsOptions, fail: (detail: string) => never): void {
  if (!isRecord(start)) fail('start must be an object');
  const s = start as Record<string, unknown>;
  for (const key of Object.keys(s)) if (key !== 'mailboxes' && key !== 'faults' && key !== 'accountFaults') fail(`start: unknown field "${key}"`);
  if (s.mailboxes !== undefined) {
    if (!isRecord(s.mailboxes)) fail('start.mailboxes must map account names to "seed" or seed message names');
    for (const [account, state] of Object.entries(s.mailboxes as Record<string, unknown>)) {
      if (state === 'seed') continue;
      if (!isStringArray(state)) fail(`start.mailboxes.${account} must be "seed" or an array of seed message names`);
      for (const name of state as string[]) {
        if (options.isSeedMessage && !options.isSeedMessage(name)) fail(`start.mailboxes.${account}: no seed message named "${name}"`);
      }
    }
  }
  if (s.faults !== undefined && !isRecord(s.faults)) fail('start.faults must be a fault spec object');
  if (s.accountFaults !== undefined) {
    if (!isRecord(s.accountFaults)) fail('start.accountFaults must map account names to fault spec objects');
    for (const [account, spec] of Object.entries(s.accountFaults as Record<string, unknown>)) {
      if (!isRecord(spec)) fail(`start.accountFaults.${account} must be a fault spec object`);
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
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
