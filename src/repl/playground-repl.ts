import * as path from 'node:path';
import { Recoverable, start as startNodeRepl } from 'node:repl';
import type { REPLServer } from 'node:repl';
import type { TranscriptEntry } from '../protocol/transcript';
import { LessonSession, solutionLines } from '../tutor';
import type { LoadedLessons, ProgressStore } from '../tutor';
import { FileProgressStore, PROGRESS_FILE, seedFolderLookup } from '../tutor/node';
import { ClientTracker } from './client-tracker';
import type { ConnectFunction, ReplClient } from './client-tracker';
import { completeDotCommand, DOT_COMMANDS } from './commands';
import { createCommandHost } from './dot-commands';
import { describeError } from './error-hints';
import { importedNames } from './hint-context';
import type { HintContext } from './hint-context';
import { EvalQueue } from './eval-queue';
import { ExerciseCommand } from './exercise-command';
import { extensionDotCommands, observeChecks } from './extension';
import type { ReplExtension } from './extension';
import { createEvaluator } from './evaluator';
import type { Evaluator } from './evaluator';
import { keepHistory } from './history';
import { editAtDumbTerminal } from './dumb-terminal';
import { handleInterruptKeys } from './interrupt-keys';
import { createInterruptWatcher, UNGUARDED } from './interrupt-watcher';
import { LessonControl } from './lesson-control';
import { LineGate } from './line-gate';
import type { MarkdownRenderer } from './markdown';
import { maskSecretEcho } from './raw-echo';
import { passwordsOf, PROMPT, RawMode } from './raw-mode';
import { recordingConsole } from './recording-console';
import { Screen } from './screen';
import { decideStyle } from './style';
import type { OutputStyle, StyledStream } from './style';
import type { TsDiagnosticError } from './ts-error';
import { connectThroughTarget } from './target';
import type { PlaygroundTarget } from './target';

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
  /** Absolute path of the client module: the checker's types of `connect` and of client exports a lesson puts in scope, and those exports' values. */
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
  /** How long a file exercise may run (`.exercise verify`), ms; default: the exercise's own limit. */
  exerciseTimeoutMs?: number;
  /** Where progress is kept; default `progress.json` in the state dir. */
  progressStore?: ProgressStore;
  /** Commands, a lesson gate and check observers a front end adds (a classroom: src/join). */
  extension?: ReplExtension;
}

/** A running playground REPL. */
export interface PlaygroundRepl {
  readonly server: REPLServer;
  readonly evaluator: Evaluator;
  /** The lesson session: current lesson, facts, goals, progress. */
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

/** What the watcher says about a loop that Ctrl-C cannot stop (a timer's or an event's callback). */
const UNINTERRUPTIBLE = {
  uninterruptible: 'This loop runs in a callback (a timer or an event) and cannot be interrupted. Press Ctrl-C twice more to end the playground; your progress is saved.',
  ending: 'Ending the playground; your progress is saved.',
};

/** How long synchronous code may run before the watchdog stops it (a loop that never ends). */
const DEFAULT_EVAL_TIMEOUT_MS = 5_000;

/**
 * Starts the guided REPL: welcome, lesson menu and current lesson, then a TypeScript prompt
 * with `connect` and `sandbox` in scope, dot-commands, and checks after every evaluation. This
 * composes the rooms: the screen prints, the lesson session judges, lesson control moves
 * between lessons, raw mode speaks POP3 by hand, the queue keeps inputs in order.
 */
export async function startPlaygroundRepl<C extends ReplClient, O extends object>(options: PlaygroundReplOptions<C, O>): Promise<PlaygroundRepl> {
  const { input, output, target } = options;
  const terminal = options.terminal ?? (input.isTTY === true && output.isTTY === true);
  const style = options.style ?? decideStyle(output, options.env ?? process.env);
  const outputFd = (output as { fd?: unknown }).fd;
  // At a terminal, a thread watches for Ctrl-C while code blocks the event loop.
  const watcher = terminal && typeof outputFd === 'number'
    ? createInterruptWatcher({ input: input as { fd?: unknown }, outputFd, texts: UNINTERRUPTIBLE })
    : undefined;
  const guard = watcher ?? UNGUARDED;
  const screen = new Screen({ guard, output, style, ...(options.markdown ? { markdown: options.markdown } : {}), ...(options.debug ? { debug: true } : {}) });
  const store = options.progressStore ?? new FileProgressStore(path.join(options.stateDir, PROGRESS_FILE));
  const session = new LessonSession({
    lessons: options.lessons.lessons,
    store,
    seed: seedFolderLookup(),
  });
  const { extension } = options;
  observeChecks(session, extension);
  const evaluator = createEvaluator({
    project: options.project,
    fast: options.fast ?? false,
    timeoutMs: options.evalTimeoutMs ?? DEFAULT_EVAL_TIMEOUT_MS,
    guard,
    // What the learner's code prints is seen, like what it evaluates to.
    console: recordingConsole(screen.learnerConsole, (value) => session.recordShown(value, 'console')),
    cwd: process.cwd(),
    // At a terminal an input typed while the checker starts runs at once; its type errors follow.
    ...(terminal ? { onLateErrors: (error: TsDiagnosticError) => notice(() => screen.checkedLate(error.source, describeError(error, hintContext), error)) } : {}),
  });

  // Hints name only what this server has, and where the names the lessons import come from.
  const hintContext: HintContext = {
    embedded: target.applyState !== undefined,
    completion: terminal && style.terminal,
    imports: importedNames(options.lessons.lessons.flatMap((l) => [l.markdown, ...solutionLines(l.definition)])),
  };
  const reportError = (error: unknown): void => {
    const friendly = describeError(error, hintContext);
    session.recordError(friendly.fact);
    session.recordShown(error, 'error');
    screen.error(friendly, error);
  };
  const afterEvaluation = (): void => {
    screen.keysDiscarded(watcher?.takeDiscarded() ?? 0);
    screen.outcome(session, session.check(false), false);
  };

  const tracker = new ClientTracker<C, O>({
    connect: connectThroughTarget(options.connect, target),
    onTrace: (entry, origin) => {
      if (!target.log) session.recordEntry(entry);
      // Raw mode prints each reply as it crossed the wire; a trace line would show it twice.
      if (session.trace && (origin !== 'raw' || entry.direction !== 'S')) screen.trace(entry);
    },
    onClient: (origin) => {
      if (origin === 'prompt') session.recordClient();
    },
    calls: { start: () => session.startCall(), settle: (record) => session.recordCall(record) },
    passwords: passwordsOf(target),
  });
  const onLogEntry = (entry: TranscriptEntry): void => session.recordEntry(entry);
  target.log?.on('entry', onLogEntry);

  const raw: RawMode<C, O> = new RawMode<C, O>({
    target,
    tracker,
    session,
    screen,
    setPrompt: (prompt) => server.setPrompt(prompt),
    reportError,
    entered: afterEvaluation,
  });
  const control = new LessonControl<C, O>({
    session,
    screen,
    evaluator,
    tracker,
    raw,
    target,
    clientModule: options.clientModule,
  });
  const exercises = new ExerciseCommand({
    lessons: options.lessons.lessons,
    target,
    stateDir: options.stateDir,
    projectRoot: path.dirname(options.project),
    store,
    current: () => session.current,
    closeSessions: () => control.closeSessions(),
    signal: () => tracker.signal,
    print: (lines) => screen.printSafe(lines.join('\n')),
    notice: (lines) => notice(lines.join('\n')),
    ...(options.exerciseTimeoutMs ? { timeoutMs: options.exerciseTimeoutMs } : {}),
  });
  const host = createCommandHost({
    session,
    screen,
    control,
    raw,
    evaluator,
    editor: { env: options.env ?? process.env, terminal: { input, pause: () => server.pause(), resume: () => server.resume() } },
    exercises,
    ...(extension?.mayEnter ? { mayEnter: extension.mayEnter } : {}),
  });
  const commands = [...DOT_COMMANDS, ...extensionDotCommands(extension)];

  /** One input: a raw line in raw mode, else TypeScript, its value recorded and shown; then the goals. */
  function evaluate(code: string): Promise<Error | undefined> | undefined {
    if (raw.active) return raw.line(code.replace(/\r?\n$/, ''), () => queue.waiting > 0).then(() => target.sync?.()).then(afterEvaluation).then(() => undefined);
    if (code.trim() === '') return undefined;
    return evaluator.evalCode(code, { signal: tracker.signal }).then(
      async ({ value }) => {
        session.recordValue(value);
        screen.value(value);
        if (isThenable(value)) screen.pendingPromise(tracker.describePending(value));
        await target.sync?.();
        afterEvaluation();
        return undefined;
      },
      async (error: unknown) => {
        if (error instanceof Recoverable) return error;
        reportError(error);
        await target.sync?.();
        afterEvaluation();
        return undefined;
      },
    );
  }
  const queue = new EvalQueue({
    evaluate,
    reportError,
    afterWork: () => server.displayPrompt(),
    idle: () => gate?.pump(),
  });

  // ---- welcome and start -----------------------------------------------------------------

  screen.welcome({
    description: target.description,
    // Only the sandbox's own passwords are shown: another server's was typed at a prompt that hid it.
    accounts: target.applyState ? target.connection.accounts : target.connection.accounts.map(({ name }) => ({ name })),
    typeChecked: evaluator.typeChecked,
    mode: evaluator.mode,
    problems: options.lessons.problems,
    progressProblem: session.progressProblem,
    canPrepareMailboxes: target.applyState !== undefined,
  });
  const first = session.current;
  if (first) {
    await control.enter(first);
    screen.print();
    control.show(first, true);
  } else {
    await control.injectScope(undefined);
    screen.noLessons();
  }

  const gate = terminal ? undefined : new LineGate(input, () => queue.busy);
  const server = startNodeRepl({
    prompt: PROMPT,
    input: gate ? gate.stream : input,
    output,
    terminal,
    useColors: style.colour,
    ignoreUndefined: true,
    preview: false,
    eval: queue.eval,
    completer(line: string): [string[], string] {
      if (line.startsWith('.')) return completeDotCommand(line, host, ['exit', ...(extension?.commands ?? []).map((c) => c.name)]);
      if (raw.active) return raw.complete(line);
      try {
        return evaluator.complete(line);
      } catch {
        return [[], line];
      }
    },
  });
  if (gate) {
    // First in line, so the echo comes before anything the evaluation prints.
    server.prependListener('line', (line: string) => {
      // Piped input is not echoed by a terminal: echo it, so a replayed transcript reads like a session.
      screen.echo(line);
      gate.lineTaken();
    });
  }
  for (const command of commands) {
    server.defineCommand(command.name, {
      help: command.help,
      action(arg: string) {
        queue.work(() => command.run(host, arg), command.name);
      },
    });
  }

  function interrupt(): boolean {
    if (!queue.busy) return false;
    queue.dropWaiting();
    for (const closed of tracker.abort(new DOMException('cancelled by Ctrl-C', 'AbortError'))) screen.print(screen.dim(closed));
    return true;
  }
  handleInterruptKeys({
    server,
    interrupt: () => interrupt(),
    busy: () => queue.busy,
    rawActive: () => raw.active,
    leaveRaw: () => raw.interrupt(),
    say: (text) => screen.print(screen.dim(text)),
  });
  if (terminal) editAtDumbTerminal(server, output);
  maskSecretEcho(server, (line) => raw.maskedEcho(line, queue.has('raw')));

  const onRejection = (reason: unknown): void => {
    screen.unawaitedRejection();
    reportError(reason);
    screen.awaitHint();
    if (!queue.busy) server.displayPrompt();
  };
  // The REPL's domain gets both: a throw in a callback (a timer, an event), which the domain
  // marks `domainThrown`, and a rejection nothing handled. Each is told for what it is.
  const onDomainError = (error: unknown): void => {
    if ((error as { domainThrown?: unknown } | null)?.domainThrown !== true) {
      onRejection(error);
      return;
    }
    screen.uncaughtException();
    reportError(error);
    if (!queue.busy) server.displayPrompt();
  };
  if (options.guardRejections) process.on('unhandledRejection', onRejection);
  // node:repl runs evaluation inside a domain and prints "Uncaught" with a stack for errors that
  // escape it (a throw in a timer's callback); give those a friendly line instead.
  const replDomain = (server as unknown as { _domain?: NodeJS.EventEmitter })._domain;
  if (replDomain) {
    replDomain.removeAllListeners('error');
    replDomain.on('error', onDomainError);
  }

  if (terminal && options.history !== false) keepHistory(server, options.stateDir, () => raw.awaitingSaslResponse);
  /** Text between prompts (not the answer to a command): on a line of its own, then the prompt again. */
  function notice(text: string | (() => void)): void {
    const show = typeof text === 'string' ? () => screen.printSafe(text) : text;
    if (queue.busy) return show();
    screen.print();
    show();
    server.displayPrompt(true);
  }
  extension?.attach?.({
    session,
    notice,
    goToLesson: (query) => queue.work(() => host.goToLesson(query)),
  });

  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  server.on('exit', () => {
    void exercises.stopWatching();
    watcher?.close();
    evaluator.close();
    if (raw.active) raw.leave(false);
    tracker.closeAll();
    session.save();
    target.log?.off('entry', onLogEntry);
    if (options.guardRejections) process.off('unhandledRejection', onRejection);
    void Promise.all([target.settle?.(), extension?.close?.()])
      .catch(() => {})
      .then(() => resolveClosed());
  });

  // Warm up once the prompt is up: the checker's thread builds its program (about a second),
  // this one loads the transpiler. The watcher's thread starts first: it needs this one briefly.
  watcher?.start();
  const warmed = new Promise<void>((resolve) => setImmediate(() => void evaluator.warm().then(resolve)));

  return {
    server,
    evaluator,
    runner: session,
    closed,
    warmed,
    interrupt,
    close: () => {
      server.close();
      return closed;
    },
  };
}

function isThenable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
