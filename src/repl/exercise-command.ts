/**
 * `.exercise list|watch|verify|hint|reset [n]` in the REPL: the file exercises, as `npm run
 * exercises` runs them, on the REPL's own server (the embedded sandbox, or the classroom's when
 * joined) and with the REPL's progress store (docs/lesson-format.md, "File exercises").
 */
import * as path from 'node:path';
import type { ExerciseTrack } from '../exercises/exercise-track';
import type { ExerciseWatch } from '../exercises/exercise-watch';
import type { ExerciseUnit, Lesson, LessonStartState, ProgressStore } from '../tutor';
import type { PlaygroundTarget } from './target';

/** Options of {@link ExerciseCommand}. */
export interface ExerciseCommandOptions {
  lessons: readonly Lesson[];
  target: PlaygroundTarget;
  stateDir: string;
  /** The project root, which the workspace's tsconfig points `pop3-playground` at. */
  projectRoot: string;
  store: ProgressStore;
  /** The current lesson: the exercise beside it is the default, and its start state is put back after each run. */
  current(): Lesson | undefined;
  /** Closes the prompt's sessions before a run, so the run meets no maildrop lock. */
  closeSessions(): Promise<void>;
  /** Aborted by Ctrl-C while a command runs. */
  signal(): AbortSignal;
  /** Prints a command's answer. */
  print(lines: readonly string[]): void;
  /** Prints between prompts (watch mode's checks), then the prompt again. */
  notice(lines: readonly string[]): void;
  /** Overrides every exercise's time limit (tests). */
  timeoutMs?: number;
}

const USAGE = '.exercise list | watch [n] | watch off | verify [n] | hint [n] | reset [n] [confirm]';

/** The `.exercise` command of one REPL. */
export class ExerciseCommand {
  readonly #options: ExerciseCommandOptions;
  #track: Promise<ExerciseTrack> | undefined;
  #watch: ExerciseWatch | undefined;
  /** The exercise last worked on, for `.edit` and a bare `.exercise verify`. */
  #chosen: ExerciseUnit | undefined;

  constructor(options: ExerciseCommandOptions) {
    this.#options = options;
  }

  /** Runs `.exercise <arg>`. */
  async run(arg: string): Promise<void> {
    const [verb = 'list', query, extra] = arg.trim().split(/\s+/).filter(Boolean);
    const { print } = this.#options;
    const track = await this.#loadTrack();
    const { listLines, verifyLines, hintLines } = await import('../exercises/exercise-text');
    if (verb === 'list') {
      print(listLines(track.list(), track.progressLocation));
      return;
    }
    if (verb === 'watch' && query === 'off') {
      await this.stopWatching();
      return;
    }
    const unit = this.#pick(track, query);
    if (!unit) {
      print(query ? [`No exercise "${query}": .exercise list shows them.`] : ['There are no file exercises.', USAGE]);
      return;
    }
    this.#chosen = unit;
    switch (verb) {
      case 'verify': {
        await this.#options.closeSessions();
        const outcome = await track.verify(unit, (line) => print([`  ${line}`]), this.#options.signal());
        print(verifyLines(outcome));
        return;
      }
      case 'watch': {
        await this.stopWatching();
        const { ExerciseWatch } = await import('../exercises/exercise-watch');
        const watch = new ExerciseWatch({
          track,
          unit,
          print: (lines) => this.#options.notice(lines),
        });
        this.#watch = watch;
        print([`Watching ${track.paths(unit).file} (${watch.mode === 'poll' ? 'polling' : 'on every save'}); .exercise watch off stops.`]);
        // The prompt's sessions would hold the maildrop a check needs.
        await this.#options.closeSessions();
        watch.recheck();
        return;
      }
      case 'hint':
        print(hintLines(track.hint(unit)));
        return;
      case 'reset': {
        const file = track.paths(unit).file;
        if (query === undefined || extra !== 'confirm') {
          print([`This puts the template back in ${file}; your file is kept as ${path.basename(file)}.bak. Type .exercise reset ${unit.number} confirm to go ahead.`]);
          return;
        }
        const backup = track.reset(unit);
        print([`${file} starts over from the template.${backup ? ` Yours is in ${backup}.` : ''}`]);
        return;
      }
      default:
        print([USAGE]);
    }
  }

  /** The learner's file of the exercise last worked on, else of the first beside the current lesson. */
  async fileToEdit(): Promise<string | undefined> {
    const track = await this.#loadTrack();
    const unit = this.#chosen ?? track.exercises.find((e) => e.lessonId === this.#options.current()?.id);
    return unit ? track.prepare(unit).file : undefined;
  }

  /** Stops watch mode, if on. */
  async stopWatching(): Promise<void> {
    const watch = this.#watch;
    this.#watch = undefined;
    if (!watch) return;
    await watch.close();
    this.#options.print([`Stopped watching ${watch.unit.definition.file}.`]);
  }

  /** The exercise `query` names; without one, the one last worked on, the first beside the current lesson, or the first not done. */
  #pick(track: ExerciseTrack, query: string | undefined): ExerciseUnit | undefined {
    if (query !== undefined) return track.find(query);
    return this.#chosen ?? track.exercises.find((e) => e.lessonId === this.#options.current()?.id) ?? track.current();
  }

  /** Loads the exercises the first time `.exercise` is used. */
  #loadTrack(): Promise<ExerciseTrack> {
    this.#track ??= (async () => {
      const [{ loadExercises }, { ExerciseTrack }] = await Promise.all([import('../tutor/node/exercise-units'), import('../exercises/exercise-track')]);
      const { exercises, problems } = await loadExercises(this.#options.lessons);
      if (problems.length > 0) this.#options.print(problems.map((p) => `✘ ${p.path}: ${p.reason}`));
      const o = this.#options;
      return new ExerciseTrack({
        exercises,
        target: o.target,
        stateDir: o.stateDir,
        projectRoot: o.projectRoot,
        store: o.store,
        start: () => o.current()?.definition.start,
        ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
      });
    })();
    return this.#track;
  }
}
