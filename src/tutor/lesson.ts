import type { FaultSpec } from '../protocol/faults';
import type { Facts } from './facts';

/** The version of the lesson format this engine reads (lessons/manifest.json and every lesson.ts). */
export const LESSON_FORMAT_VERSION = 1;

/**
 * The mailbox contents a lesson starts from, per account: `'seed'` for the account's seed mail,
 * or a list of seed message names (sandbox-server/seed/manifest.json). Accounts not named keep
 * their seed mail.
 */
export type MailboxState = 'seed' | readonly string[];

/** The sandbox state a lesson starts from; applied when the lesson starts or is reset. */
export interface LessonStartState {
  mailboxes?: Readonly<Record<string, MailboxState>>;
  /** Faults switched on for the whole lesson (all accounts), off again when it ends. */
  faults?: FaultSpec;
  /**
   * Faults for single accounts, by account name: each replaces `faults` for its account once a
   * session has named the user (USER, APOP or AUTH). One lesson can so give each account its
   * own trouble (a slow server, refused logins, dropped connections). Off when the lesson ends.
   */
  accountFaults?: Readonly<Record<string, FaultSpec>>;
}

/** A check's verdict, with the reasons `.check` shows when it is not met. */
export interface CheckVerdict {
  met: boolean;
  /** Why it is not met, as a clause: "its count has not been shown yet". */
  why?: string;
  /** What did happen on the way, as a clause: "STAT was sent". */
  seen?: string;
}

/** What a goal's check returns: a bare verdict, or one with its reasons. */
export type CheckResult = boolean | CheckVerdict;

/** One thing the learner does in a lesson, with the check that sees it done. */
export interface GoalDefinition {
  /** Stable within the lesson: progress and hint tiers are stored under it. */
  id: string;
  /** What to do, one line of markdown (shown beside a tick or a cross). */
  text: string;
  /**
   * Met once the goal is met; when not, it may say why and what did happen (shown by
   * `.check`). Reads structured facts only (what the server saw, what the learner saw), never
   * printed text or variable names. A check that throws counts as not met.
   */
  check(facts: Facts): CheckResult;
  /** Tiered hints for this goal, gentlest first; `.hint` reveals one more each time. */
  hints?: readonly string[];
}

/** A common mistake: when its predicate holds, the engine shows its hint once. */
export interface MistakeDefinition {
  id: string;
  /** The goal it concerns: once that goal is met, the hint is never shown. */
  goal?: string;
  /** True while the mistake shows in the facts; the hint fires only then. */
  when(facts: Facts): boolean;
  /** Markdown, one or two sentences. */
  hint: string;
  /**
   * REPL input lines (as in `solution`) that commit this mistake from the lesson's start, so a
   * test can replay them and expect this hint.
   */
  example?: readonly string[];
}

/** Lines of the solution that meet one goal (after the groups before them). */
export interface SolutionStep {
  goal: string;
  lines: readonly string[];
}

/** The solution's lines in the order they are typed, grouped or not. */
export function solutionLines(definition: Pick<LessonDefinition, 'solution'>): string[] {
  return (definition.solution ?? []).flatMap((step: string | SolutionStep) => (typeof step === 'string' ? [step] : step.lines));
}

/** The solution's groups, or undefined for a flat solution. */
export function solutionSteps(definition: Pick<LessonDefinition, 'solution'>): SolutionStep[] | undefined {
  const solution = definition.solution ?? [];
  return solution.length > 0 && solution.every((step: string | SolutionStep) => typeof step !== 'string') ? [...(solution as readonly SolutionStep[])] : undefined;
}

/** A REPL name the lesson puts in scope: a value with its type, or an export of the client. */
export type ScopeEntry = ScopeValueEntry | ScopeClientExportEntry;

/** A name in scope with a value the lesson gives, and its TypeScript type for the checker. */
export interface ScopeValueEntry {
  name: string;
  /** TypeScript type text, e.g. `string[]` or `{ readonly host: string }`. */
  type: string;
  value: unknown;
}

/**
 * A name in scope for one of the client's exports (`src/client`, e.g. `fetchNew`): the front
 * end supplies the value and the checker's type, `typeof import(<client module>).<export>`, so
 * the lesson runs no project code and names no path.
 */
export interface ScopeClientExportEntry {
  name: string;
  clientExport: string;
}

/**
 * What a lesson's `lesson.ts` default-exports. Lessons import project code as types only, and
 * values only from their own folder, lessons/common and @noble/hashes (no Node module), so
 * loading one never runs project code and it runs wherever the tutor does; the loader checks
 * this before loading (docs/lesson-format.md).
 */
export interface LessonDefinition {
  formatVersion: 1;
  title: string;
  /** One line shown in the menu. */
  summary?: string;
  /** RFC sections the lesson teaches, e.g. `RFC 1939 §4`. */
  rfc?: readonly string[];
  start?: LessonStartState;
  /** Empty or absent for a reading-only lesson. */
  goals?: readonly GoalDefinition[];
  mistakes?: readonly MistakeDefinition[];
  /**
   * The model answer, as REPL input lines (dot-commands and raw-mode lines included), either
   * flat or grouped by the goal each group meets, in the order they are typed.
   */
  solution?: readonly string[] | readonly SolutionStep[];
  /** Extra names in scope at the prompt for this lesson. */
  scope?: readonly ScopeEntry[];
}

/** A lesson as the engine holds it: the definition plus what the loader knows. */
export interface Lesson {
  /** The folder name, e.g. `01-first-contact`. */
  id: string;
  /** 1-based position in the manifest's order. */
  number: number;
  /** Absolute folder path. */
  dir: string;
  /** The prose (README.md). */
  markdown: string;
  definition: LessonDefinition;
}

/** True for a lesson with nothing to check: it is done once read. */
export function isReadingOnly(lesson: Lesson): boolean {
  return (lesson.definition.goals ?? []).length === 0;
}
