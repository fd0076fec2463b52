import type { CheckOutcome, Lesson, LessonSession } from '../tutor';
import type { DotCommand } from './commands';

/** A dot-command an extension adds (e.g. `.help-me` in a classroom). */
export interface ExtensionCommand {
  name: string;
  /** Argument synopsis, e.g. `[message]`. */
  args?: string;
  help: string;
  run(arg: string): void | Promise<void>;
}

/** What the REPL gives an extension once it is up. */
export interface ExtensionHost {
  /** The learner's lesson session (current lesson, facts, progress). */
  readonly session: LessonSession;
  /** Prints text: as a command's answer while one runs, otherwise between prompts (then the prompt again). */
  notice(text: string): void;
  /** Goes to a lesson as `.lesson` does, in turn with the learner's input. */
  goToLesson(query: string): void;
}

/**
 * What a front end adds to the REPL without changing it (docs/workshop.md, "The REPL in a
 * classroom"): dot-commands, a gate on entering lessons, a look at every goal check, and a
 * hook to start and stop with the REPL.
 */
export interface ReplExtension {
  commands?: readonly ExtensionCommand[];
  /** Why the learner may not enter `lesson` now (e.g. not released yet), or undefined. */
  mayEnter?(lesson: Lesson): string | undefined;
  /** After every goal check: `explicit` for `.check`, otherwise after an evaluation. */
  checked?(lesson: Lesson | undefined, outcome: CheckOutcome, explicit: boolean): void;
  attach?(host: ExtensionHost): void;
  close?(): Promise<void>;
}

/** The extension's commands in the dot-command table's shape. */
export function extensionDotCommands(extension: ReplExtension | undefined): DotCommand[] {
  return (extension?.commands ?? []).map((c) => ({ name: c.name, ...(c.args ? { args: c.args } : {}), help: c.help, run: (_host, arg) => c.run(arg) }));
}

/** Lets the extension see every goal check of `session` (the REPL's and `.check`'s alike). */
export function observeChecks(session: LessonSession, extension: ReplExtension | undefined): void {
  const checked = extension?.checked;
  if (!checked) return;
  const check = session.check.bind(session);
  session.check = (explicit = false) => {
    const outcome = check(explicit);
    checked(session.current, outcome, explicit);
    return outcome;
  };
}
