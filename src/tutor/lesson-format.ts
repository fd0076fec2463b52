/**
 * The lesson format (docs/lesson-format.md) as rules over values: the manifest and a lesson's
 * definition are checked here, wherever they were read from.
 */
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

/** What loading found: the lessons that loaded, and the problems with the others. */
export interface LoadedLessons {
  lessons: Lesson[];
  problems: LessonProblem[];
}

/** What the checks may compare a lesson against, when the front end knows it. */
export interface LessonFormatOptions {
  /** Says whether a seed message name exists; when given, mailbox states are checked against it. */
  isSeedMessage?: (name: string) => boolean;
  /** Says whether the client exports a name; when given, `clientExport` scope entries are checked against it. */
  isClientExport?: (name: string) => boolean;
}

/** Thrown when a lesson definition breaks the format; the message says where. */
export class LessonFormatError extends CodedError {
  constructor(detail: string) {
    super('LESSON_FORMAT', detail);
  }
}

/** The folder of helpers shared by lessons (`lessons/common/`): never a lesson itself. */
export const SHARED_LESSON_FOLDER = 'common';

const LESSON_KEYS = new Set(['formatVersion', 'title', 'summary', 'rfc', 'start', 'goals', 'mistakes', 'solution', 'scope']);

/**
 * Checks a parsed manifest.json (`source` names it in messages).
 * @throws LessonFormatError when there is no order to follow.
 */
export function validateManifest(parsed: unknown, source: string): LessonManifest {
  if (!isRecord(parsed)) throw new LessonFormatError(`${source}: expected a JSON object`);
  if (parsed.formatVersion !== LESSON_FORMAT_VERSION) {
    throw new LessonFormatError(`${source}: formatVersion must be ${LESSON_FORMAT_VERSION}, got ${JSON.stringify(parsed.formatVersion)}`);
  }
  const order = parsed.order;
  if (!Array.isArray(order) || !order.every((o): o is string => typeof o === 'string' && /^[\w.-]+$/.test(o))) {
    throw new LessonFormatError(`${source}: "order" must be an array of lesson folder names`);
  }
  const seen = new Set<string>();
  for (const name of order) {
    if (seen.has(name)) throw new LessonFormatError(`${source}: "${name}" appears twice in "order"`);
    if (name === SHARED_LESSON_FOLDER) throw new LessonFormatError(`${source}: "${name}" holds the lessons' shared helpers and cannot be a lesson`);
    seen.add(name);
  }
  return { formatVersion: LESSON_FORMAT_VERSION, order };
}

/**
 * Checks a lesson definition against the format (docs/lesson-format.md).
 * @throws LessonFormatError naming the first field at fault.
 */
export function validateLessonDefinition(value: unknown, options: LessonFormatOptions = {}): asserts value is LessonDefinition {
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
      if (typeof g.check !== 'function') fail(`${at}.check must be a function (facts) => verdict`);
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
      if (m.goal !== undefined && !goalIds.has(m.goal as string)) fail(`${at}.goal must name a goal of this lesson, got ${JSON.stringify(m.goal)}`);
    }
  }
  if (lesson.solution !== undefined) validateSolution(lesson.solution, goalIds, fail);
  if (lesson.scope !== undefined) {
    if (!Array.isArray(lesson.scope)) fail('scope must be an array');
    for (const [i, entry] of (lesson.scope as unknown[]).entries()) validateScopeEntry(entry, `scope[${i}]`, options, fail);
  }
  if (lesson.start !== undefined) validateStart(lesson.start, options, fail);
}

/** REPL input lines, or groups of them `{ goal, lines }`, each naming a goal of the lesson. */
function validateSolution(solution: unknown, goalIds: ReadonlySet<string>, fail: (detail: string) => never): void {
  if (isStringArray(solution)) return;
  if (!Array.isArray(solution)) fail('solution must be an array of REPL input lines, or of groups { goal, lines }');
  for (const [i, step] of (solution as unknown[]).entries()) {
    const at = `solution[${i}]`;
    if (!isRecord(step)) fail(`${at} must be a group { goal, lines } (a solution is all lines or all groups)`);
    const s = step as Record<string, unknown>;
    for (const key of Object.keys(s)) if (key !== 'goal' && key !== 'lines') fail(`${at}: unknown field "${key}"`);
    if (typeof s.goal !== 'string' || !goalIds.has(s.goal)) fail(`${at}.goal must name a goal of this lesson, got ${JSON.stringify(s.goal)}`);
    if (!isStringArray(s.lines) || s.lines.length === 0) fail(`${at}.lines must be a non-empty array of REPL input lines`);
  }
}

const SCOPE_KEYS = new Set(['name', 'type', 'value', 'clientExport']);
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `{ name, type, value }`, or `{ name, clientExport }` naming an export of the client. */
function validateScopeEntry(entry: unknown, at: string, options: LessonFormatOptions, fail: (detail: string) => never): void {
  if (!isRecord(entry)) fail(`${at} must be an object`);
  const s = entry as Record<string, unknown>;
  for (const key of Object.keys(s)) if (!SCOPE_KEYS.has(key)) fail(`${at}: unknown field "${key}"`);
  if (typeof s.name !== 'string' || !IDENTIFIER.test(s.name)) fail(`${at}.name must be an identifier`);
  if (s.clientExport === undefined) {
    if (typeof s.type !== 'string' || s.type === '') fail(`${at}.type must be TypeScript type text`);
    return;
  }
  if ('type' in s || 'value' in s) fail(`${at}: give either type and value, or clientExport (the client then gives both)`);
  if (typeof s.clientExport !== 'string' || !IDENTIFIER.test(s.clientExport)) fail(`${at}.clientExport must be the name of an export of the client`);
  if (options.isClientExport && !options.isClientExport(s.clientExport as string)) fail(`${at}.clientExport: the client has no export named "${String(s.clientExport)}"`);
}

function validateStart(start: unknown, options: LessonFormatOptions, fail: (detail: string) => never): void {
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
