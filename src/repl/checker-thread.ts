/**
 * The REPL's type checker on a thread of its own (./checker-worker.ts): building its program
 * takes about a second, which would otherwise hold up the prompt, Ctrl-C and the first input.
 * Should the thread fail, the checker is rebuilt on this thread from what it was told so far.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fromDiagnosticsMessage } from './checker-protocol';
import type { CheckerAsk, CheckerReply, CheckerRequest, CheckerWorkerData } from './checker-protocol';
import type { TsDiagnosticError } from './ts-error';

/** The checker's answers, asynchronous; requests are answered in the order they are made. */
export interface CheckerThread {
  /** True once the program is built: a check now costs tens of milliseconds, not a second. */
  readonly ready: boolean;
  /** Resolves once the program is built (or the checker moved to this thread). */
  readonly whenReady: Promise<void>;
  /**
   * Checks `code` as the next input and compiles it (`guardLoops`: with ./loop-guard.ts).
   * @returns the JavaScript, and a function that takes the input into the checker's file
   *   (call it once the input runs).
   * @throws TsDiagnosticError listing the errors.
   */
  check(code: string, guardLoops: boolean): Promise<{ js: string; accept: () => void }>;
  /** Takes `code`, which has already run, into the file; resolves with its errors, if any. */
  admit(code: string): Promise<TsDiagnosticError | undefined>;
  setPrelude(prelude: string): void;
  reset(): void;
  typeOf(expression: string): Promise<string | undefined>;
  /** Ends the thread. */
  close(): void;
}

const REGISTER = path.join(__dirname, '..', 'register.js');
const WORKER = path.join(__dirname, 'checker-worker.ts');

/**
 * Starts the checker's thread for `project`'s options; `virtualPath` names the REPL's file.
 * `workerFile` is the thread's program (another only to test a thread that fails).
 */
export function startCheckerThread(project: string, virtualPath: string, workerFile = WORKER): CheckerThread {
  const data: CheckerWorkerData = { project, virtualPath };
  const worker = new Worker(`require(${JSON.stringify(REGISTER)}); require(${JSON.stringify(workerFile)});`, { eval: true, workerData: data, execArgv: [] });
  // The REPL's end ends the process; a checker still building must not keep it alive.
  worker.unref();
  const pending = new Map<number, { request: CheckerAsk; settle: (reply: CheckerReply) => void }>();
  /** Everything that shaped the checker's file, to rebuild it here if the thread fails. */
  const told: CheckerAsk[] = [];
  /** The answers on this thread, once the checker's own has failed (in order, after what was waiting). */
  let local: Promise<(ask: CheckerAsk) => CheckerReply> | undefined;
  let nextId = 1;
  let ready = false;
  let closed = false;
  let markReady: () => void = () => {};
  const whenReady = new Promise<void>((resolve) => {
    markReady = () => {
      ready = true;
      resolve();
    };
  });

  /** The thread is gone: replay what shaped the file here, then answer what was waiting. */
  function moveHere(): void {
    if (local || closed) return;
    // Loaded only now: the REPL's thread has no use for the checker while its own thread lives.
    local = import('./checker-answers').then(({ createCheckerAnswers }) => {
      const answers = createCheckerAnswers(project, virtualPath);
      const answer = (ask: CheckerAsk): CheckerReply => answers.answer({ ...ask, id: 0 });
      for (const ask of told) answer(ask);
      markReady();
      const waiting = [...pending.values()];
      pending.clear();
      for (const { request, settle } of waiting) settle(answer(request));
      return answer;
    });
  }

  /** Remembers what the thread has taken into its file, to replay it here if the thread fails. */
  function remember(request: CheckerAsk): void {
    if (request.op === 'reset') told.splice(0, told.length, ...told.filter((r) => r.op === 'setPrelude').slice(-1));
    else if (request.op === 'setPrelude' || request.op === 'admit') told.push(request);
    else if (request.op === 'accept') told.push({ op: 'admit', code: request.code });
  }

  worker.on('message', (reply: CheckerReply) => {
    if ('ready' in reply) return markReady();
    const entry = pending.get(reply.id);
    pending.delete(reply.id);
    if (entry && !('failed' in reply)) remember(entry.request);
    entry?.settle(reply);
  });
  worker.on('error', moveHere);
  worker.on('exit', moveHere);

  function send(request: CheckerAsk): Promise<CheckerReply> {
    if (local) return local.then((answer) => answer(request));
    const id = nextId++;
    return new Promise((settle) => {
      pending.set(id, { request, settle });
      worker.postMessage({ ...request, id } satisfies CheckerRequest);
    });
  }

  const throwIfFailed = (reply: CheckerReply): void => {
    if ('failed' in reply) throw new Error(`the type checker failed: ${reply.failed}`);
  };

  return {
    get ready() {
      return ready;
    },
    whenReady,
    async check(code, guardLoops) {
      const reply = await send({ op: 'check', code, guardLoops });
      throwIfFailed(reply);
      if ('diagnostics' in reply && reply.diagnostics) throw fromDiagnosticsMessage(reply.diagnostics);
      return { js: 'js' in reply ? reply.js ?? '' : '', accept: () => void send({ op: 'accept', code }) };
    },
    async admit(code) {
      const reply = await send({ op: 'admit', code });
      throwIfFailed(reply);
      return 'diagnostics' in reply && reply.diagnostics ? fromDiagnosticsMessage(reply.diagnostics) : undefined;
    },
    setPrelude(prelude) {
      void send({ op: 'setPrelude', prelude });
    },
    reset() {
      void send({ op: 'reset' });
    },
    async typeOf(expression) {
      const reply = await send({ op: 'typeOf', expression });
      return 'type' in reply ? reply.type : undefined;
    },
    close() {
      closed = true;
      void worker.terminate();
    },
  };
}
