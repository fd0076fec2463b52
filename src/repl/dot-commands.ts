import { isReadingOnly } from '../tutor';
import type { Lesson, LessonSession } from '../tutor';
import type { ReplClient } from './client-tracker';
import type { CommandHost } from './commands';
import { chosenEditor, openInEditor } from './editor';
import type { EditorTerminal } from './editor';
import type { ExerciseCommand } from './exercise-command';
import type { Evaluator } from './evaluator';
import type { LessonControl } from './lesson-control';
import type { RawMode } from './raw-mode';
import { exportProgressLine } from './progress-transfer';
import type { Screen } from './screen';

/** What the dot-commands work with. */
export interface CommandHostOptions<C extends ReplClient, O extends object> {
  session: LessonSession;
  screen: Screen;
  control: LessonControl<C, O>;
  raw: RawMode<C, O>;
  evaluator: Evaluator;
  /** For `.edit`: the environment naming the editor, and the terminal it borrows. */
  editor: { env: NodeJS.ProcessEnv; terminal: EditorTerminal };
  /** `.exercise`, and the file `.edit` opens. */
  exercises: ExerciseCommand;
  /** Why the learner may not enter a lesson now (a classroom's pacing), or undefined. */
  mayEnter?: (lesson: Lesson) => string | undefined;
}

/** The host behind each dot-command of the table in ./commands. */
export function createCommandHost<C extends ReplClient, O extends object>(options: CommandHostOptions<C, O>): CommandHost {
  const { session, screen, control, raw, evaluator, editor, exercises } = options;
  const refused = (lesson: Lesson): boolean => {
    const reason = options.mayEnter?.(lesson);
    if (reason) screen.print(reason);
    return reason !== undefined;
  };
  return {
    showMenu: () => screen.menu(session),
    showLesson: () => (session.current ? control.show(session.current) : screen.menu(session)),
    async goToLesson(query) {
      const lesson = session.find(query);
      if (!lesson) {
        screen.noLessonMatches(query);
        screen.menu(session);
        return;
      }
      if (refused(lesson)) return;
      await control.start(lesson);
    },
    async goRelative(step) {
      const current = session.current;
      const next = session.lessons[session.index + step];
      if (!next) {
        screen.noLessonThere(step > 0);
        return;
      }
      if (refused(next)) return;
      if (step > 0 && current && !session.isDone(current) && !isReadingOnly(current)) screen.leavingUnfinished(current);
      await control.start(next);
    },
    showHint() {
      const hint = session.takeHint();
      if (hint) {
        screen.hint(hint);
        return;
      }
      const lesson = session.current;
      screen.noHint(!lesson || isReadingOnly(lesson) ? 'reading' : session.results.every((r) => r.met) ? 'all-met' : 'no-more');
    },
    async runCheck() {
      const lesson = session.current;
      if (!lesson) return;
      if (isReadingOnly(lesson)) {
        screen.nothingToCheck();
        return;
      }
      screen.outcome(session, session.check(true), true);
    },
    showSolution() {
      screen.solution(session.solution());
    },
    async editFile() {
      const file = await exercises.fileToEdit();
      if (!file) {
        screen.exercise.nothingToEdit();
        return;
      }
      const command = chosenEditor(editor.env);
      if (!command) {
        screen.exercise.noEditor(file);
        return;
      }
      screen.exercise.editing(file, command);
      screen.exercise.edited(await openInEditor(command, file, editor.terminal, editor.env));
    },
    exercise: (arg) => exercises.run(arg),
    async reset(arg) {
      const words = arg.trim().split(/\s+/).filter(Boolean);
      if (words[0] === 'all') {
        if (words[1] !== 'confirm') {
          screen.confirmForgetAll(session.progressLocation);
          return;
        }
        session.forgetAll();
        screen.allForgotten();
        const first = session.lessons[0];
        if (first) await control.start(first);
        return;
      }
      const lesson = session.current;
      if (!lesson) return;
      await control.closeSessions();
      session.clearFacts();
      await control.injectScope(lesson);
      await control.applyState(lesson);
      screen.lessonReset(lesson, session.results);
    },
    setTrace(arg) {
      const word = arg.trim().toLowerCase();
      if (word !== 'on' && word !== 'off' && word !== '') {
        screen.usage('.trace on|off');
        return;
      }
      session.setTrace(word === '' ? !session.trace : word === 'on');
      screen.traceSwitched(session.trace);
    },
    async toggleRaw() {
      if (raw.active) await raw.leaveAfterReplies();
      else await raw.enter();
    },
    showProgress(arg) {
      const [word, ...file] = arg.trim().split(/\s+/);
      if (word === 'export' && file.length > 0) screen.print(exportProgressLine(session, file.join(' ')));
      else if (word === '' || word === undefined) screen.progress(session);
      else screen.usage('.progress [export FILE]');
    },
    showHelp: () => screen.help(),
    async showType(expression) {
      if (expression.trim() === '') {
        screen.usage('.type <expression>');
        return;
      }
      screen.type(await evaluator.typeOf(expression), evaluator.typeChecked);
    },
    async clearScope() {
      await control.injectScope(session.current);
      screen.scopeCleared();
    },
    lessonNames: () => session.lessons.flatMap((l) => [String(l.number), l.id]),
  };
}
