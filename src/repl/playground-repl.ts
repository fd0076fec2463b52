import { Console } from 'node:console';
import * as path from 'node:path';
import { Recoverable, start as startNodeRepl } from 'node:repl';
import type { REPLServer } from 'node:repl';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { formatTranscriptEntry } from '../protocol/transcript';
import type { TranscriptEntry } from '../protocol/transcript';
import { KEYWORDS } from '../protocol/commands';
import type { Lesson, LessonStartState, LoadedLessons } from '../tutor';
import { EXERCISE_SCOPE_TYPE, isReadingOnly, LessonSession } from '../tutor';
import type { CheckOutcome } from '../tutor';
import { exercisePaths, FileProgressStore, prepareExerciseFile, PROGRESS_FILE, seedFolderLookup } from '../tutor/node';
import type { ExercisePaths } from '../tutor';
import type { FaultSpec } from '../protocol/faults';
import { ClientTracker } from './client-tracker';
import type { ConnectFunction, ReplClient, TrackedConnectOptions } from './client-tracker';
import { completeDotCommand, DOT_COMMANDS } from './commands';
import type { CommandHost } from './commands';
import { describeError } from './error-hints';
import { createEvaluator, EVAL_INTERRUPTED } from './evaluator';
import type { Evaluator } from './evaluator';
import { LineGate } from './line-gate';
import { createMarkdownRenderer } from './markdown';
import type { MarkdownRenderer } from './markdown';
import { RawSession } from './raw-session';
import { hasUnsafeCharacters, sanitizeForTerminal } from './sanitize';
import { createPainter, decideStyle } from './style';
import type { OutputStyle, Painter, StyledStream } from './style';

/** The connection options of the server the REPL talks to (`sandbox` at the prompt). */
export interface SandboxConnection {
  host: string;
  port: number;
  /** PEM of the CA that signed the server's certificate. */
  ca?: string;
  /** The implicit-TLS port (RFC 8314), when there is one. */
  tlsPort?: number;
  /** Connect with implicit TLS (a --server given with --tls). */
  tls?: boolean;
  accounts: readonly { name: string; password?: string }[];
}

/** The server's session log, when the server runs in this process. */
export interface TranscriptLog {
  readonly entries: readonly TranscriptEntry[];
  on(event: 'entry', listener: (entry: TranscriptEntry) => void): unknown;
  off(event: 'entry', listener: (entry: TranscriptEntry) => void): unknown;
}

/** The POP3 server the REPL is pointed at: the embedded sandbox, or another with --server. */
export interface PlaygroundTarget {
  connection: SandboxConnection;
  /** One line for the welcome, e.g. "the sandbox on 127.0.0.1:40110". */
  description: string;
  /** Facts come from this log when present, else from the client trace. */
  log?: TranscriptLog;
  /** Puts the mailboxes and faults in a lesson's starting state (embedded sandbox only). */
  applyState?(state: LessonStartState | undefined): Promise<void>;
  /** Resolves once the server has let go of every closed session (so no login meets [IN-USE]). */
  settle?(): Promise<void>;
  /** Switches faults on for every account, or off, leaving the mailboxes alone (embedded sandbox only). */
  setFaults?(faults: FaultSpec | undefined): void;
}

/** Options of {@link startPlaygroundRepl}. */
export interface PlaygroundReplOptions<C extends ReplClient, O extends object> {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & StyledStream;
  /** Line editing, completion and colour prompts; default: input and output are terminals. */
  terminal?: boolean;
  /** Default: decided from the output and the environment. */
  style?: OutputStyle;
  /** A renderer made for `style` ahead of time (loading one takes ~150 ms); default: made on first use. */
  markdown?: MarkdownRenderer;
  env?: NodeJS.ProcessEnv;
  target: PlaygroundTarget;
  /** The client's connect. */
  connect: ConnectFunction<C, O>;
  /** Absolute path of the client module, for the checker's declarations of `connect`. */
  clientModule: string;
  lessons: LoadedLessons;
  stateDir: string;
  /** The tsconfig evaluation compiles with. */
  project: string;
  /** Transpile only (swc when it loads). */
  fast?: boolean;
  /** Stack traces with errors. */
  debug?: boolean;
  /** Watchdog for synchronous runaway code, ms (default 5 s; 0 for none). */
  evalTimeoutMs?: number;
  /** Save line history under the state dir (terminal only). Default true. */
  history?: boolean;
  /** Catch unhandled rejections so a forgotten promise cannot end the REPL. Default false. */
  guardRejections?: boolean;
  /** Modules a file exercise imports by name; default: the client as `pop3-playground`. */
  exerciseModules?: Readonly<Record<string, unknown>>;
  /** How long `.check` may run a file exercise, ms (default 60 s). */
  exerciseTimeoutMs?: number;
}

/** A running playground REPL. */
export interface PlaygroundRepl {
  readonly server: REPLServer;
  readonly evaluator: Evaluator;
  readonly runner: LessonSession;
  /** Resolves once the REPL has exited and cleaned up (clients closed, progress saved). */
  readonly closed: Promise<void>;
  /** Cancels a pending evaluation (what Ctrl-C does); returns false when nothing was pending. */
  interrupt(): boolean;
  /** Resolves once the checker has been warmed (its first run is the slow one). */
  readonly warmed: Promise<void>;
  /** Ends the REPL (like `.exit`) and resolves when it has cleaned up. */
  close(): Promise<void>;
}

/**
 * True for a line that carries a password: a raw PASS, APOP or AUTH with an argument
 * (RFC 1939 §7, RFC 5034 §4), or a client call to pass, apop or auth.
 */
export function carriesSecret(line: string): boolean {
  return /^\s*(PASS|APOP|AUTH)\s+\S/i.test(line) || /\.(pass|apop|auth)\s*\(/.test(line);
}

/** Drops the async-hook ids node:repl's domain adds to promises (noise for a learner). */
function withoutAsyncIds(text: string): string {
  return text.replace(/,?\s*\[Symbol\((?:async_id_symbol|trigger_async_id_symbol)\)\]: \d+/g, '').replace(/Promise \{\s+([^\n{}]*?)\s*\}/g, 'Promise { $1 }');
}

const PROMPT = '> ';
const RAW_PROMPT = 'pop3> ';
/** How long synchronous code may run before the watchdog stops it (a loop that never ends). */
const DEFAULT_EVAL_TIMEOUT_MS = 5_000;

/**
 * Starts the guided REPL: welcome, lesson menu and current lesson, then a TypeScript prompt
 * with `connect` and `sandbox` in scope, dot-commands, and checks after every evaluation.
 */
export async function startPlaygroundRepl<C extends ReplClient, O extends object>(options: PlaygroundReplOptions<C, O>): Promise<PlaygroundRepl> {
  const { input, output, target } = options;
  const env = options.env ?? process.env;
  const terminal = options.terminal ?? (input.isTTY === true && output.isTTY === true);
  const style = options.style ?? decideStyle(output, env);
  const paint = createPainter(style);
  const tick = paint.green('✔');
  const cross = paint.red('✘');
  let markdown: MarkdownRenderer | undefined = options.markdown;
  const render = (md: string): string => (markdown ??= createMarkdownRenderer(style))(md);

  const print = (text = ''): void => {
    output.write(`${text}\n`);
  };
  const printSafe = (text: string): void => print(sanitizeForTerminal(text));
  const inline = (md: string): string => md.replace(/`([^`]+)`/g, (_, code: string) => (style.colour ? paint.cyan(code) : `\`${code}\``)).replace(/\*\*([^*]+)\*\*/g, (_, b: string) => paint.bold(b));

  // Learner output (console.log of a message body) is untrusted: sanitised, never coloured.
  const learnerStream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      output.write(sanitizeForTerminal(chunk.toString()));
      done();
    },
  });
  const learnerConsole = new Console({ stdout: learnerStream, stderr: learnerStream, colorMode: false });

  let busy = false;
  let evalPending = false;
  let rawSession: RawSession | undefined;
  let traceOn = false;

  const evaluator = createEvaluator({
    project: options.project,
    fast: options.fast ?? false,
    timeoutMs: options.evalTimeoutMs ?? DEFAULT_EVAL_TIMEOUT_MS,
    console: learnerConsole,
    cwd: process.cwd(),
  });

  const runner = new LessonSession({
    lessons: options.lessons.lessons,
    store: new FileProgressStore(path.join(options.stateDir, PROGRESS_FILE)),
    variable: (name) => evaluator.lookup(name),
    seed: seedFolderLookup(),
  });

  const printTrace = (entry: TranscriptEntry): void => {
    const line = sanitizeForTerminal(formatTranscriptEntry(entry));
    if (entry.direction === 'C') print(paint.cyan(line));
    else if (entry.direction === 'S') print(entry.status === '-ERR' ? paint.red(line) : paint.green(line));
    else print(paint.dim(line));
  };

  const tracker = new ClientTracker<C, O>({
    connect: options.connect,
    onTrace: (entry) => {
      if (!target.log) runner.recordEntry(entry);
      if (traceOn) printTrace(entry);
    },
    onClient: (origin) => {
      if (origin === 'prompt') runner.recordClient();
    },
  });
  const onLogEntry = (entry: TranscriptEntry): void => runner.recordEntry(entry);
  target.log?.on('entry', onLogEntry);

  const sandbox = Object.freeze({
    ...target.connection,
    accounts: Object.freeze(target.connection.accounts.map((a) => Object.freeze({ ...a }))),
  });
  const connect = (connectOptions: O & TrackedConnectOptions): Promise<C> => tracker.connect(connectOptions, 'prompt');
  const clientModule = JSON.stringify(options.clientModule);

  function injectScope(lesson: Lesson | undefined): void {
    evaluator.reset();
    evaluator.inject('connect', `typeof import(${clientModule}).connect`, connect);
    evaluator.inject(
      'sandbox',
      '{ readonly host: string; readonly port: number; readonly ca?: string; readonly tlsPort?: number; readonly accounts: readonly { readonly name: string; readonly password?: string }[] }',
      sandbox,
    );
    for (const entry of lesson?.definition.scope ?? []) evaluator.inject(entry.name, entry.type, entry.value);
    const paths = exercisePathsOf(lesson);
    if (paths) evaluator.inject('exercise', EXERCISE_SCOPE_TYPE, Object.freeze({ ...paths }));
  }

  // ---- file exercises (docs/lesson-format.md, "File exercises") ---------------------------

  function exercisePathsOf(lesson: Lesson | undefined): ExercisePaths | undefined {
    const exercise = lesson?.definition.exercise;
    return lesson && exercise ? exercisePaths(lesson.dir, exercise, options.stateDir) : undefined;
  }

  /** Copies the template into the workspace when the learner's file is missing; never overwrites it. */
  function prepareExercise(lesson: Lesson): void {
    const paths = exercisePathsOf(lesson);
    if (!paths) return;
    try {
      prepareExerciseFile(paths, path.dirname(options.project));
    } catch (error) {
      print(paint.red(`Could not prepare ${paths.file}: ${(error as Error).message}`));
    }
  }

  /** Runs the learner's file through the lesson's exercise check; its findings become facts. */
  async function runExerciseCheck(lesson: Lesson): Promise<void> {
    const exercise = lesson.definition.exercise;
    const paths = exercisePathsOf(lesson);
    if (!exercise || !paths) return;
    await closeSessions();
    print(paint.dim(`Running ${paths.file} against the server...`));
    // Loaded here, at the first check of a file exercise: it brings the whole client along.
    const { runExercise } = await import('./exercise-runner');
    const outcome = await runExercise({
      exercise,
      paths,
      target,
      start: lesson.definition.start,
      signal: tracker.signal,
      ...(options.exerciseModules ? { modules: options.exerciseModules } : {}),
      ...(options.exerciseTimeoutMs ? { timeoutMs: options.exerciseTimeoutMs } : {}),
    });
    for (const line of outcome.reports) printSafe(`  ${line}`);
    if (outcome.facts.error) print(`${paint.red('✘')} ${sanitizeForTerminal(outcome.facts.error.message)}`);
    runner.recordExercise(outcome.facts);
  }

  // ---- rendering -------------------------------------------------------------------------

  const statusMark = (lesson: Lesson): string => {
    const status = runner.status(lesson);
    return status === 'done' ? tick : status === 'current' ? paint.yellow('▶') : paint.dim('·');
  };

  function showMenu(): void {
    print(paint.bold(`Lessons (${tick} done, ${paint.yellow('▶')} current, ${paint.dim('·')} pending):`));
    for (const lesson of runner.lessons) {
      const summary = lesson.definition.summary ? paint.dim(` - ${lesson.definition.summary}`) : '';
      print(`  ${statusMark(lesson)} ${String(lesson.number).padStart(2)}. ${lesson.definition.title}${summary}`);
    }
    print(paint.dim('  .lesson <number or name> to go to one'));
  }

  function goalLines(results = runner.results): string[] {
    return results.map((r) => `  ${r.met ? tick : cross} ${inline(r.text)}`);
  }

  // Numbers follow the manifest, so a lesson that failed to load leaves a gap rather than renumbering.
  const lessonCount = Math.max(runner.lessons.length, ...runner.lessons.map((l) => l.number));

  function showLesson(lesson: Lesson): void {
    print(paint.bold(`── Lesson ${lesson.number} of ${lessonCount}: ${lesson.definition.title} ──`.replace(/─/g, style.terminal ? '─' : '-')));
    output.write(render(lesson.markdown));
    const exercise = exercisePathsOf(lesson);
    if (exercise) print(`Your file: ${paint.cyan(exercise.file)}\nEdit it in your editor; ${paint.cyan('.check')} runs it against the sandbox.`);
    if (isReadingOnly(lesson)) {
      print(paint.dim('A reading lesson: nothing to check. .next when you are ready.'));
    } else {
      print(paint.bold('Goals:'));
      for (const line of goalLines()) print(line);
      print(paint.dim('.hint for a hint, .check to check, .help for every command'));
    }
  }

  function printOutcome(outcome: CheckOutcome, full: boolean): void {
    if (full || outcome.changed) for (const line of goalLines(outcome.results)) print(line);
    const lesson = runner.current;
    if (outcome.completedNow && lesson) {
      const last = runner.index === runner.lessons.length - 1;
      print(paint.green(paint.bold(`Lesson ${lesson.number} complete!`)) + (last ? ' That was the last lesson.' : ' Type .next for the next lesson, or .solution to compare notes.'));
    }
    if (outcome.mistake) print(`${paint.yellow('Hint:')} ${inline(outcome.mistake.hint)}`);
  }

  function reportError(error: unknown): void {
    const friendly = describeError(error);
    runner.recordError(friendly.fact);
    print(`${paint.red('✘')} ${sanitizeForTerminal(friendly.message)}`);
    if (friendly.hint) print(`  ${paint.yellow('Hint:')} ${inline(friendly.hint)}`);
    if (options.debug && error instanceof Error && error.stack && friendly.fact.code !== EVAL_INTERRUPTED) printSafe(error.stack);
  }

  function printValue(value: unknown): void {
    if (value === undefined) return;
    const inspectOptions = { depth: 4, maxArrayLength: 50, maxStringLength: 20_000, breakLength: style.width };
    const plain = withoutAsyncIds(inspect(value, { ...inspectOptions, colors: false }));
    // Colour only when nothing in the value needs escaping, so mail never reaches the terminal raw.
    if (!style.colour || hasUnsafeCharacters(plain)) print(sanitizeForTerminal(plain));
    else print(withoutAsyncIds(inspect(value, { ...inspectOptions, colors: true })));
  }

  // ---- lesson navigation -----------------------------------------------------------------

  async function closeSessions(): Promise<void> {
    rawSession?.close();
    if (rawSession) leaveRawMode(false);
    const closed = tracker.closeAll();
    if (closed > 0) print(paint.dim(`(closed ${closed} open session${closed === 1 ? '' : 's'})`));
    await target.settle?.();
  }

  async function startLesson(lesson: Lesson, announce = true): Promise<void> {
    await closeSessions();
    runner.enter(lesson);
    injectScope(lesson);
    await applyState(lesson);
    prepareExercise(lesson);
    if (announce) showLesson(lesson);
  }

  async function applyState(lesson: Lesson): Promise<void> {
    if (!target.applyState) return;
    try {
      await target.applyState(lesson.definition.start);
    } catch (error) {
      print(paint.red(`Could not prepare the mailbox for this lesson: ${(error as Error).message}`));
    }
  }

  // ---- raw mode --------------------------------------------------------------------------

  async function enterRawMode(): Promise<void> {
    let client: C;
    try {
      client = await tracker.connect(target.connection as unknown as O & TrackedConnectOptions, 'raw');
    } catch (error) {
      reportError(error);
      return;
    }
    rawSession = new RawSession(client);
    runner.recordRawSession();
    print(paint.dim(`Raw mode: connected to ${target.connection.host}:${target.connection.port}. Type POP3 commands (e.g. CAPA, USER alice); .raw leaves.`));
    printSafe(client.greeting);
    server.setPrompt(RAW_PROMPT);
    afterEvaluation();
  }

  function leaveRawMode(announce = true): void {
    rawSession?.close();
    rawSession = undefined;
    server.setPrompt(PROMPT);
    if (announce) print(paint.dim('Left raw mode; back to TypeScript.'));
  }

  async function rawLine(line: string): Promise<void> {
    const session = rawSession;
    if (!session || line.trim() === '') return;
    runner.recordRawLine(session.recordable(line));
    try {
      const exchange = await session.send(line);
      for (const l of exchange.lines) printSafe(l);
      if (exchange.closed) {
        print(paint.dim('Connection closed by the server.'));
        leaveRawMode();
      }
    } catch (error) {
      reportError(error);
      if (session.closed) leaveRawMode();
    }
  }

  // ---- evaluation ------------------------------------------------------------------------

  function afterEvaluation(): void {
    printOutcome(runner.check(false), false);
  }

  /**
   * Lines that arrived while an evaluation was pending (a paste at a terminal): node:repl hands
   * them over at once, so `const pop = await connect(sandbox)` followed by `pop.user(...)`
   * would run before `pop` exists. They wait here and run in order; Ctrl-C drops them.
   */
  const waiting: { code: string; callback: (error: Error | null, result?: unknown) => void }[] = [];

  function evaluateInTurn(code: string, context: unknown, file: string, callback: (error: Error | null, result?: unknown) => void): void {
    if (busy || waiting.length > 0) {
      waiting.push({ code, callback });
      return;
    }
    const run = (line: string, done: typeof callback): void =>
      evaluate(line, context, file, (error, result) => {
        done(error, result);
        const next = waiting.shift();
        if (next) setImmediate(() => run(next.code, next.callback));
      });
    run(code, callback);
  }

  function dropWaitingLines(): void {
    for (const line of waiting.splice(0)) line.callback(null);
  }

  function evaluate(code: string, _context: unknown, _file: string, callback: (error: Error | null, result?: unknown) => void): void {
    if (rawSession) {
      busy = true;
      void rawLine(code.replace(/\r?\n$/, '')).finally(() => {
        afterEvaluation();
        busy = false;
        callback(null);
        gate?.pump();
      });
      return;
    }
    if (code.trim() === '') {
      callback(null);
      return;
    }
    busy = true;
    evalPending = true;
    let recoverable: Recoverable | undefined;
    evaluator
      .evalCode(code, { signal: tracker.signal })
      .then(
        ({ value }) => {
          runner.recordValue(value);
          printValue(value);
        },
        (error: unknown) => {
          if (error instanceof Recoverable) recoverable = error;
          else reportError(error);
        },
      )
      .then(() => {
        evalPending = false;
        if (!recoverable) afterEvaluation();
      })
      .catch((error: unknown) => reportError(error))
      .finally(() => {
        busy = false;
        callback(recoverable ?? null);
        gate?.pump();
      });
  }

  function completer(line: string): [string[], string] {
    if (line.startsWith('.')) return completeDotCommand(line, host);
    if (rawSession) {
      const word = line.trim().toUpperCase();
      if (line.includes(' ')) return [[], line];
      return [KEYWORDS.filter((k) => k.startsWith(word) && !k.startsWith('RPOP') && k !== 'LAST'), line];
    }
    try {
      return evaluator.complete(line);
    } catch {
      return [[], line];
    }
  }

  // ---- the dot-commands ------------------------------------------------------------------

  /** Runs async command work with the REPL marked busy, then shows the prompt. */
  function work(task: () => void | Promise<void>): void {
    busy = true;
    Promise.resolve()
      .then(task)
      .catch((error: unknown) => reportError(error))
      .finally(() => {
        busy = false;
        server.displayPrompt();
        gate?.pump();
      });
  }

  const host: CommandHost = {
    showMenu,
    async goToLesson(query) {
      const lesson = runner.find(query);
      if (!lesson) {
        print(`No lesson matches "${sanitizeForTerminal(query)}".`);
        showMenu();
        return;
      }
      await startLesson(lesson);
    },
    async goRelative(step) {
      const current = runner.current;
      const next = runner.lessons[runner.index + step];
      if (!next) {
        print(step > 0 ? 'That was the last lesson. .lessons shows them all.' : 'This is the first lesson.');
        return;
      }
      if (step > 0 && current && !runner.isDone(current) && !isReadingOnly(current)) {
        print(paint.dim(`(Lesson ${current.number} is not done yet; .lesson ${current.number} brings you back.)`));
      }
      await startLesson(next);
    },
    showHint() {
      const hint = runner.takeHint();
      if (hint) {
        print(`${paint.yellow(`Hint ${hint.tier}/${hint.tiers}`)} for "${inline(hint.goalText)}":`);
        output.write(render(hint.text));
        return;
      }
      const lesson = runner.current;
      if (!lesson || isReadingOnly(lesson)) print('Nothing to do here but read. .next when you are ready.');
      else if (runner.results.every((r) => r.met)) print('Every goal is met. .next for the next lesson.');
      else print('No more hints for this goal. .check shows what is missing; .solution opens bit by bit after failed checks.');
    },
    async runCheck() {
      const lesson = runner.current;
      if (!lesson) return;
      if (isReadingOnly(lesson)) {
        print('A reading lesson: nothing to check.');
        return;
      }
      await runExerciseCheck(lesson);
      printOutcome(runner.check(true), true);
    },
    showSolution() {
      const solution = runner.solution();
      if (solution.total === 0) {
        print('This lesson has no solution to show.');
        return;
      }
      if (solution.lines.length === 0) {
        print('The solution opens once you pass the lesson, or a line at a time after failed .check runs (from the second). Try .hint first.');
        return;
      }
      const label = solution.passed ? 'The solution, to compare notes:' : `The solution so far (${solution.lines.length} of ${solution.total} lines; another failed .check shows one more):`;
      print(paint.bold(label));
      for (const line of solution.lines) print(`  ${paint.cyan(line)}`);
    },
    async reset(arg) {
      const words = arg.trim().split(/\s+/).filter(Boolean);
      if (words[0] === 'all') {
        if (words[1] !== 'confirm') {
          print(`This forgets ALL progress in ${runner.progressLocation}. Type ${paint.bold('.reset all confirm')} to go ahead.`);
          return;
        }
        runner.forgetAll();
        print('All progress forgotten.');
        const first = runner.lessons[0];
        if (first) await startLesson(first);
        return;
      }
      const lesson = runner.current;
      if (!lesson) return;
      await closeSessions();
      runner.clearFacts();
      injectScope(lesson);
      await applyState(lesson);
      print(`Lesson ${lesson.number} reset: sessions closed, mailbox back to its starting state, variables forgotten.`);
      for (const line of goalLines()) print(line);
    },
    setTrace(arg) {
      const word = arg.trim().toLowerCase();
      if (word === 'on' || word === 'off') traceOn = word === 'on';
      else if (word === '') traceOn = !traceOn;
      else {
        print('Usage: .trace on|off');
        return;
      }
      runner.setTrace(traceOn);
      print(traceOn ? 'Trace on: every command (C:) and reply (S:) is shown, passwords as ***.' : 'Trace off.');
    },
    async toggleRaw() {
      if (rawSession) leaveRawMode();
      else await enterRawMode();
    },
    showProgress() {
      const done = runner.lessons.filter((l) => runner.isDone(l)).length;
      print(`Progress: ${done} of ${runner.lessons.length} lessons done.`);
      print(`Saved in ${runner.progressLocation}${runner.progressProblem ? ` (not writable this time: ${runner.progressProblem})` : ''}`);
      for (const lesson of runner.lessons) {
        const entry = runner.progress.lessons[lesson.id];
        const hints = entry ? Object.values(entry.hints).reduce((a, b) => a + b, 0) : 0;
        const extra = entry ? paint.dim(` (${hints} hint${hints === 1 ? '' : 's'}${entry.completedAt ? `, done ${entry.completedAt.slice(0, 10)}` : ''})`) : '';
        print(`  ${statusMark(lesson)} ${String(lesson.number).padStart(2)}. ${lesson.definition.title}${extra}`);
      }
    },
    showHelp() {
      print(paint.bold('Commands:'));
      for (const c of DOT_COMMANDS) print(`  .${c.name}${c.args ? ` ${c.args}` : ''}`.padEnd(30) + c.help);
      print('  .exit'.padEnd(30) + 'Leave (Ctrl-D works too); progress is saved');
      print('  .editor'.padEnd(30) + 'Enter several lines at once (Ctrl-D to run them)');
      print(paint.dim('In scope: connect, sandbox. Tab completes names, methods and commands. Ctrl-C cancels a pending await.'));
    },
    showType(expression) {
      if (expression.trim() === '') {
        print('Usage: .type <expression>');
        return;
      }
      const type = evaluator.typeOf(expression);
      print(type ? sanitizeForTerminal(type) : evaluator.typeChecked ? 'No type information for that.' : 'Types are not checked in --fast mode.');
    },
    clearScope() {
      injectScope(runner.current);
      print('Variables forgotten; connect and sandbox are still in scope.');
    },
    lessonNames() {
      return runner.lessons.flatMap((l) => [String(l.number), l.id]);
    },
  };

  // ---- welcome and start -----------------------------------------------------------------

  print(paint.bold('POP3 playground: learn how mail is fetched, by fetching it.'));
  print(`Server: ${target.description}`);
  const accounts = target.connection.accounts.map((a) => (a.password !== undefined ? `${a.name}/${a.password}` : a.name)).join(', ');
  if (accounts) print(`Accounts: ${accounts}`);
  print(`In scope: ${paint.cyan('connect')}, ${paint.cyan('sandbox')}. Try ${paint.cyan('const pop = await connect(sandbox)')}`);
  print(paint.dim(evaluator.typeChecked ? 'Type checking is on (--fast skips it). .help lists the commands.' : `Fast mode: no type checking (${evaluator.mode}). .help lists the commands.`));
  for (const problem of options.lessons.problems) print(paint.red(`Lesson not loaded: ${problem.path}: ${problem.reason}`));
  if (runner.progressProblem) print(paint.red(`Progress not loaded (kept in memory only): ${runner.progressProblem}`));
  if (!target.applyState) print(paint.dim('Lessons cannot prepare mailboxes on this server; they assume its mail as it is.'));

  const first = runner.current;
  if (first) {
    runner.enter(first);
    injectScope(first);
    await applyState(first);
    prepareExercise(first);
    print();
    showMenu();
    print();
    showLesson(first);
  } else {
    injectScope(undefined);
    print('No lessons are loaded: the prompt is yours.');
  }

  const gate = terminal ? undefined : new LineGate(input, () => busy);
  const server = startNodeRepl({
    prompt: PROMPT,
    input: gate ? gate.stream : input,
    output,
    terminal,
    useColors: style.colour,
    ignoreUndefined: true,
    preview: false,
    eval: evaluateInTurn,
    completer,
  });
  if (gate) {
    // First in line, so the echo comes before anything the evaluation prints.
    server.prependListener('line', (line: string) => {
      // Piped input is not echoed by a terminal: echo it, so a replayed transcript reads like a session.
      output.write(`${sanitizeForTerminal(line)}\n`);
      gate.lineTaken();
    });
  }

  for (const command of DOT_COMMANDS) {
    server.defineCommand(command.name, {
      help: command.help,
      action(arg: string) {
        work(() => command.run(host, arg));
      },
    });
  }

  // Ctrl-C: cancel a pending evaluation; otherwise node:repl's own handling (clear the line).
  const defaultSigint = server.listeners('SIGINT') as ((...args: unknown[]) => void)[];
  server.removeAllListeners('SIGINT');
  function interrupt(): boolean {
    if (!busy) return false;
    dropWaitingLines();
    tracker.abort(new DOMException('cancelled by Ctrl-C', 'AbortError'));
    return true;
  }
  server.on('SIGINT', (...args: unknown[]) => {
    if (interrupt()) return;
    for (const listener of defaultSigint) listener.apply(server, args);
  });

  const onRejection = (reason: unknown): void => {
    print(paint.dim('A promise was rejected and nothing awaited it:'));
    reportError(reason);
    if (!busy) server.displayPrompt();
  };
  if (options.guardRejections) process.on('unhandledRejection', onRejection);
  // node:repl runs evaluation inside a domain and prints "Uncaught" with a stack for errors that
  // escape it (a promise nobody awaited); give those the same friendly line instead.
  const replDomain = (server as unknown as { _domain?: NodeJS.EventEmitter })._domain;
  if (replDomain) {
    replDomain.removeAllListeners('error');
    replDomain.on('error', onRejection);
  }

  if (terminal && options.history !== false) {
    server.setupHistory(path.join(options.stateDir, 'history'), () => {
      // No history is better than no REPL (e.g. a read-only state directory).
    });
    // Lines that carry a password stay out of the history file (it is written a moment later),
    // and so do SASL responses: the raw session still knows it was waiting for one.
    server.on('line', (line: string) => {
      const history = (server as unknown as { history?: string[] }).history;
      const secret = carriesSecret(line) || (rawSession?.awaitingSaslResponse === true && line !== '*');
      if (history && history[0] === line && secret) history.shift();
    });
  }

  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  server.on('exit', () => {
    rawSession?.close();
    tracker.closeAll();
    runner.save();
    target.log?.off('entry', onLogEntry);
    if (options.guardRejections) process.off('unhandledRejection', onRejection);
    void Promise.resolve(target.settle?.())
      .catch(() => {})
      .then(() => resolveClosed());
  });

  // Warm the checker once the prompt is up: its first run costs most of a second.
  const warmed = new Promise<void>((resolve) => {
    setImmediate(() => {
      evaluator.warm();
      resolve();
    });
  });

  return {
    server,
    evaluator,
    runner,
    closed,
    warmed,
    interrupt,
    close: () => {
      server.close();
      return closed;
    },
  };
}
