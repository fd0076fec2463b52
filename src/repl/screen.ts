import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { formatTranscriptEntry } from '../protocol/transcript';
import type { TranscriptEntry } from '../protocol/transcript';
import { isReadingOnly } from '../tutor';
import type { CheckOutcome, GoalResult, Lesson, LessonProblem, LessonSession, NextHint, SolutionView } from '../tutor';
import { traceSwitchedText } from './trace-text';
import type { FriendlyError } from './error-hints';
import { EVAL_INTERRUPTED } from './evaluator';
import { ExerciseScreen } from './exercise-screen';
import { showCodeSpan } from './inline-code';
import { createMarkdownRenderer } from './markdown';
import type { MarkdownRenderer } from './markdown';
import { hasUnsafeCharacters, sanitizeForTerminal } from './sanitize';
import { UNGUARDED } from './interrupt-watcher';
import type { RunGuard } from './interrupt-watcher';
import { menuLines, progressLines } from './lesson-lists';
import { explanation, firstLines, HELP_COLUMN, HELP_ROWS, INTRO_LINES, lessonIntro, withoutAsyncIds } from './screen-text';
import { TerminalFit } from './terminal-fit';
import { createPainter, proseWidth } from './style';
import type { OutputStyle, Painter, StyledStream } from './style';

/** Options of {@link Screen}. */
export interface ScreenOptions {
  output: NodeJS.WritableStream;
  style: OutputStyle;
  /** A renderer made for `style` ahead of time (loading one takes ~150 ms); default: made on first use. */
  markdown?: MarkdownRenderer;
  /** Stack traces with errors. */
  debug?: boolean;
  /** Marks rendering as the REPL's own work, so keys typed meanwhile are kept. */
  guard?: RunGuard;
}

/** What the welcome says about the REPL and its server. */
export interface WelcomeFacts {
  description: string;
  accounts: readonly { name: string; password?: string }[];
  typeChecked: boolean;
  /** How the evaluator compiles, for fast mode's line. */
  mode: string;
  problems: readonly LessonProblem[];
  progressProblem: string | undefined;
  /** False with --server: lessons cannot prepare mailboxes there. */
  canPrepareMailboxes: boolean;
}

/**
 * Everything the REPL prints: the welcome, menus, lesson text and goals, values, errors with
 * their hints, the trace, raw replies and the dot-commands' answers. Colour only with a colour
 * style; text that comes from the learner's code or the server is sanitised.
 */
export class Screen {
  readonly style: OutputStyle;
  /** The learner's own `console`: untrusted output (a message body), sanitised and never coloured. */
  readonly learnerConsole: Console;
  /** What is printed about file exercises: runs, the solution file, the editor. */
  readonly exercise: ExerciseScreen;
  readonly #output: NodeJS.WritableStream;
  readonly #paint: Painter;
  readonly #debug: boolean;
  readonly #guard: RunGuard;
  readonly #fit: TerminalFit;
  #markdown: MarkdownRenderer | undefined;

  constructor(options: ScreenOptions) {
    this.style = options.style;
    this.#output = options.output;
    this.#paint = createPainter(options.style);
    this.#markdown = options.markdown;
    this.#debug = options.debug ?? false;
    this.#guard = options.guard ?? UNGUARDED;
    const output = options.output;
    const fit = (this.#fit = new TerminalFit(options.output, options.style));
    const learnerStream = new Writable({
      write(chunk: Buffer | string, _enc, done) {
        output.write(fit.wire(sanitizeForTerminal(chunk.toString())));
        done();
      },
    });
    this.learnerConsole = new Console({ stdout: learnerStream, stderr: learnerStream, colorMode: false });
    this.exercise = new ExerciseScreen(this);
  }

  /** Dim text, when the style has colour. */
  dim(text: string): string {
    return this.#paint.dim(text);
  }

  /** One line the REPL wrote itself, wrapped at word boundaries to the terminal's width. */
  print(text = ''): void {
    this.#output.write(`${this.#fit.prose(text)}\n`);
  }

  /** One line of untrusted text (from the server or the learner's code), sanitised; a line wider than the terminal is cut with continuation marks. */
  printSafe(text: string): void {
    this.#output.write(`${this.#fit.wire(sanitizeForTerminal(text))}\n`);
  }

  /** Echoes a piped input line, which no terminal echoed. */
  echo(line: string): void {
    this.#output.write(`${sanitizeForTerminal(line)}\n`);
  }

  // ---- lessons ---------------------------------------------------------------------------

  welcome(facts: WelcomeFacts): void {
    const p = this.#paint;
    this.print(p.bold('POP3 playground: learn how mail is fetched, by fetching it.'));
    this.print(`Server: ${facts.description}`);
    const accounts = facts.accounts.map((a) => (a.password !== undefined ? `${a.name}/${a.password}` : a.name)).join(', ');
    if (accounts) this.print(`Accounts: ${accounts}`);
    const commands = '.help lists the commands, .lessons the lessons.';
    this.print(p.dim(facts.typeChecked ? `Type checking is on (--fast skips it). ${commands}` : `Fast mode: no type checking (${facts.mode}). ${commands}`));
    for (const problem of facts.problems) this.print(p.red(`Lesson not loaded: ${problem.path}: ${problem.reason}`));
    if (facts.progressProblem) this.print(p.red(`Progress not loaded (kept in memory only): ${facts.progressProblem}`));
    if (!facts.canPrepareMailboxes) this.print(p.dim('Lessons cannot prepare mailboxes on this server; they assume its mail as it is.'));
  }

  noLessons(): void {
    const p = this.#paint;
    this.print('No lessons are loaded: the prompt is yours.');
    this.print(`In scope: ${p.cyan('connect')}, ${p.cyan('sandbox')}. Try ${p.cyan('const pop = await connect(sandbox)')}`);
  }

  menu(session: LessonSession): void {
    for (const line of menuLines(session, this.#paint)) this.print(line);
  }

  /** A lesson's heading, prose (with `intro`, up to its first section, so a first screen fits 40 lines) and goals. */
  lesson(session: LessonSession, lesson: Lesson, intro = false): void {
    const p = this.#paint;
    // Numbers follow the manifest, so a lesson that failed to load leaves a gap rather than renumbering.
    const count = Math.max(session.lessons.length, ...session.lessons.map((l) => l.number));
    this.print(p.bold(`── Lesson ${lesson.number} of ${count}: ${lesson.definition.title} ──`.replace(/─/g, this.style.terminal ? '─' : '-')));
    const opening = intro ? lessonIntro(lesson.markdown) : undefined;
    this.#output.write(opening === undefined ? this.#render(lesson.markdown) : firstLines(this.#render(opening), INTRO_LINES));
    if (opening !== undefined) this.print(p.dim('(.lesson shows the whole lesson)'));
    if (isReadingOnly(lesson)) {
      this.print(p.dim('A reading lesson: nothing to check. .next when you are ready.'));
    } else {
      this.print(p.bold('Goals:'));
      this.goals(session.results);
      if (session.isDone(lesson)) this.finished(lesson);
      this.print(p.dim('.hint for a hint, .check to check, .help for every command'));
    }
  }

  /** The goals with their state; `explain` adds, under each goal not done, why and what did happen. */
  goals(results: readonly GoalResult[], explain = false): void {
    for (const r of results) {
      this.print(this.#goal(r));
      if (explain && !r.met && !r.metBefore) this.print(`      ${this.#paint.dim(explanation(r))}`);
    }
  }

  /**
   * What an evaluation of the goals changed: all the goals, explained, when `full` (a
   * `.check`), else just those that moved with the count done (`✔ Read the greeting (4/5)`);
   * completion or that the lesson was finished before; a mistake's hint.
   */
  outcome(session: LessonSession, outcome: CheckOutcome, full: boolean): void {
    const p = this.#paint;
    if (full) this.goals(outcome.results, true);
    const done = outcome.results.filter((r) => r.met || r.metBefore).length;
    if (!full) for (const r of outcome.moved) this.print(this.#goal(r) + p.dim(` (${done}/${outcome.results.length})`));
    const lesson = session.current;
    if (outcome.completedNow && lesson) {
      const last = session.index === session.lessons.length - 1;
      this.print(p.green(p.bold(`Lesson ${lesson.number} complete!`)) + (last ? ' That was the last lesson.' : ' Type .next for the next lesson, or .solution to compare notes.'));
    } else if (full && lesson && session.isDone(lesson)) {
      this.finished(lesson);
    }
    if (outcome.mistake) this.print(`${p.yellow('Hint:')} ${this.#inline(outcome.mistake.hint)}`);
  }

  /** A lesson passed before: it stays done, whatever happens in it now. */
  finished(lesson: Lesson): void {
    this.print(this.#paint.green(`Lesson ${lesson.number} is finished.`) + ' Its goals stay met; try things again as you like, or .next.');
  }

  noLessonMatches(query: string): void {
    this.print(`No lesson matches "${sanitizeForTerminal(query)}".`);
  }

  noLessonThere(forward: boolean): void {
    this.print(forward ? 'That was the last lesson. .lessons shows them all.' : 'This is the first lesson.');
  }

  leavingUnfinished(lesson: Lesson): void {
    this.print(this.#paint.dim(`(Lesson ${lesson.number} is not done yet; .lesson ${lesson.number} brings you back.)`));
  }

  hint(hint: NextHint): void {
    this.print(`${this.#paint.yellow(`Hint ${hint.tier}/${hint.tiers}`)} for "${this.#inline(hint.goalText)}":`);
    this.#output.write(this.#render(hint.text));
  }

  /** Why `.hint` has nothing to show. */
  noHint(why: 'reading' | 'all-met' | 'no-more'): void {
    if (why === 'reading') this.print('Nothing to do here but read. .next when you are ready.');
    else if (why === 'all-met') this.print('Every goal is met. .next for the next lesson.');
    else this.print('No more hints for this goal. .check shows what is missing; .solution opens bit by bit after failed checks.');
  }

  nothingToCheck(): void {
    this.print('A reading lesson: nothing to check.');
  }

  solution(solution: SolutionView): void {
    if (solution.total === 0) {
      this.print('This lesson has no solution to show.');
      return;
    }
    const goal = solution.goal ? `"${this.#inline(solution.goal.text)}"` : '';
    if (solution.lines.length === 0) {
      if (solution.goal) {
        const left = solution.hintsLeft ?? 0;
        this.print(`The lines for ${goal} open once you have seen its hints: ${left} more with .hint.`);
      } else {
        this.print('The solution opens once you pass the lesson, or a line at a time after failed .check runs (from the second). Try .hint first.');
      }
      return;
    }
    const label = solution.passed
      ? 'The solution, to compare notes:'
      : solution.goal
        ? `The lines for ${goal}:`
        : `The solution so far (${solution.lines.length} of ${solution.total} lines; another failed .check shows one more):`;
    this.print(this.#paint.bold(label));
    for (const line of solution.lines) this.#output.write(`${this.#fit.wire(`  ${this.#paint.cyan(line)}`)}\n`);
  }

  confirmForgetAll(location: string): void {
    this.print(`This forgets ALL progress in ${location}. Type ${this.#paint.bold('.reset all confirm')} to go ahead.`);
  }

  allForgotten(): void {
    this.print('All progress forgotten.');
  }

  lessonReset(lesson: Lesson, results: readonly GoalResult[]): void {
    this.print(`Lesson ${lesson.number} reset: sessions closed, mailbox back to its starting state, variables forgotten.`);
    this.goals(results);
  }

  progress(session: LessonSession): void {
    for (const line of progressLines(session, this.#paint)) this.print(line);
  }

  help(): void {
    this.print(this.#paint.bold('Commands:'));
    for (const [name, help] of HELP_ROWS) {
      // A command longer than its column gets a line of its own.
      const label = `  ${name}`;
      const long = label.length > HELP_COLUMN - 2;
      if (long) this.print(label);
      this.#output.write(`${this.#fit.beside((long ? '' : label).padEnd(HELP_COLUMN), help)}\n`);
    }
    // node:readline completes nothing at a dumb terminal (TERM=dumb), nor without a terminal.
    const tab = this.style.terminal ? ' Tab completes names, methods and commands.' : '';
    this.print(this.#paint.dim(`In scope: connect, sandbox.${tab} Ctrl-C cancels a pending await.`));
  }

  usage(synopsis: string): void {
    this.print(`Usage: ${synopsis}`);
  }

  /** `.type`'s answer: the type, or why there is none. */
  type(type: string | undefined, typeChecked: boolean): void {
    this.print(type ? sanitizeForTerminal(type) : typeChecked ? 'No type information for that.' : 'Types are not checked in --fast mode.');
  }

  scopeCleared(): void {
    this.print('Variables forgotten; connect and sandbox are still in scope.');
  }

  traceSwitched(on: boolean): void {
    this.print(traceSwitchedText(on));
  }

  // ---- sessions, mailboxes and file exercises -------------------------------------------

  sessionsClosed(count: number): void {
    if (count > 0) this.print(this.#paint.dim(`(closed ${count} open session${count === 1 ? '' : 's'})`));
  }

  mailboxNotPrepared(error: unknown): void {
    this.print(this.#paint.red(`Could not prepare the mailbox for this lesson: ${(error as Error).message}`));
  }

  // ---- raw mode --------------------------------------------------------------------------

  rawEntered(host: string, port: number, greeting: string): void {
    this.print(this.#paint.dim(`Raw mode: connected to ${host}:${port}. Type POP3 commands (e.g. CAPA, USER alice); .raw leaves.`));
    this.printSafe(greeting);
  }

  rawLeft(): void {
    this.print(this.#paint.dim('Left raw mode; back to TypeScript.'));
  }

  /** Raw mode left with Ctrl-C or Ctrl-D: no QUIT, so no UPDATE (RFC 1939 §6). */
  rawClosedWithoutQuit(): void {
    this.print(this.#paint.dim('Left raw mode: closed without QUIT: nothing marked was deleted.'));
  }

  /** Keys typed while code blocked the REPL were dropped, not run later. */
  keysDiscarded(count: number): void {
    if (count > 0) this.print(this.#paint.dim(`(${count} key${count === 1 ? '' : 's'} typed while the code ran ${count === 1 ? 'was' : 'were'} discarded)`));
  }

  rawClosedByServer(): void {
    this.print(this.#paint.dim('Connection closed by the server.'));
  }

  // ---- evaluation ------------------------------------------------------------------------

  /** An error as one friendly line and its hint; the stack too with --debug. */
  error(friendly: FriendlyError, error: unknown): void {
    const p = this.#paint;
    this.print(`${p.red('✘')} ${sanitizeForTerminal(friendly.message)}`);
    if (friendly.hint) this.print(`  ${p.yellow('Hint:')} ${this.#inline(friendly.hint)}`);
    if (this.#debug && error instanceof Error && error.stack && friendly.fact.code !== EVAL_INTERRUPTED) this.printSafe(error.stack);
  }

  /** Type errors of an input that ran before the checker was ready, found once it was. */
  checkedLate(source: string, friendly: FriendlyError, error: unknown): void {
    this.print(this.#paint.dim(`This ran before the type checker was ready, which has now checked it: ${sanitizeForTerminal(source.trim().split('\n')[0] ?? '')}`));
    this.error(friendly, error);
  }

  unawaitedRejection(): void {
    this.print(this.#paint.dim('A promise was rejected and nothing awaited it:'));
  }

  /** After an unawaited rejection: where `await` would have put the error. */
  awaitHint(): void {
    this.print(`  ${this.#paint.yellow('Hint:')} ${this.#inline('Put `await` in front of the call (or add `.catch(...)`), so its error reaches you where you called it.')}`);
  }

  uncaughtException(): void {
    this.print(this.#paint.dim('An exception was thrown in a callback (a timer or an event) and nothing caught it:'));
  }

  /** An evaluation printed a promise: the call it came from (`quit()`) has not finished. */
  pendingPromise(call: string | undefined): void {
    const what = call ? `\`${call}\` has not finished yet` : 'the call has not finished yet';
    this.print(`${this.#paint.yellow('Hint:')} ${this.#inline(`That is a pending \`Promise\`: ${what}. Put \`await\` in front to get its result.`)}`);
  }

  /** An evaluated value, inspected; coloured only when nothing in it needs escaping, so mail never reaches the terminal raw. */
  value(value: unknown): void {
    if (value === undefined) return;
    const inspectOptions = { depth: 4, maxArrayLength: 50, maxStringLength: 20_000, breakLength: proseWidth(this.#output as StyledStream, this.style.width) };
    const plain = withoutAsyncIds(inspect(value, { ...inspectOptions, colors: false }));
    const text = !this.style.colour || hasUnsafeCharacters(plain) ? sanitizeForTerminal(plain) : withoutAsyncIds(inspect(value, { ...inspectOptions, colors: true }));
    this.#output.write(`${this.#fit.wire(text)}\n`);
  }

  /** One trace line: commands cyan, +OK green, -ERR red, events dim. */
  trace(entry: TranscriptEntry): void {
    const p = this.#paint;
    const paint = entry.direction === 'C' ? p.cyan : entry.direction === 'S' ? (entry.status === '-ERR' ? p.red : p.green) : p.dim;
    const rows = this.#fit.wire(sanitizeForTerminal(formatTranscriptEntry(entry))).split('\n');
    this.#output.write(`${rows.map(paint).join('\n')}\n`);
  }

  // ---- helpers ---------------------------------------------------------------------------

  /** One goal's line: its mark, its text, whether it was met before. */
  #goal(r: GoalResult): string {
    const mark = r.met || r.metBefore ? this.#tick : this.#cross;
    return `  ${mark} ${this.#inline(r.text)}${r.metBefore ? this.#paint.dim(' (met earlier)') : ''}`;
  }

  get #tick(): string {
    return this.#paint.green('✔');
  }

  get #cross(): string {
    return this.#paint.red('✘');
  }

  /** Inline markdown of a goal or hint line: code spans and bold. */
  #inline(md: string): string {
    const p = this.#paint;
    return md.replace(/`([^`]+)`/g, (_, code: string) => showCodeSpan(code, this.style.colour ? p.cyan : undefined)).replace(/\*\*([^*]+)\*\*/g, (_, b: string) => p.bold(b));
  }

  #render(md: string): string {
    return this.#guard.own(() => {
      this.#markdown ??= createMarkdownRenderer(this.style);
      // Prose and tables fit; a code line wider than the terminal is marked where it goes on.
      return this.#fit.wire(this.#markdown(md, proseWidth(this.#output as StyledStream, this.style.width)));
    });
  }
}
