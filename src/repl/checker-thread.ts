/**
 * The REPL's type checker on a thread of its own (./checker-worker.ts): building its program
 * takes about a second, which would otherwise hold up the prompt, Ctrl-C and the first input.
 * Should the thread fail, the checker is rebuilt on this thread from what it was told so far.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CheckerReply, CheckerRequest, CheckerWorkerData, DiagnosticsMessage } from './checker-protocol';
import { createCheckerAnswers } from './checker-answers';
import { TsDiagnosticError } from './ts-error';

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

type Request = CheckerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

const REGISTER = path.join(__dirname, '..', 'register.js');
const WORKER = path.join(__dirname, 'checker-worker.ts');

const toError = (message: DiagnosticsMessage): TsDiagnosticError => new TsDiagnosticError(message.text, message.diagnostics, message.source);

/**
 * Starts the checker's thread for `project`'s options; `virtualPath` names the REPL's file.
 * `workerFile` is the thread's program (another only to test a thread that fails).
 */
export function startCheckerThread(project: string, virtualPath: string, workerFile = WORKER): CheckerThread {
  const data: CheckerWorkerData = { project, virtualPath };
  const worker = new Worker(`require(${JSON.stringify(REGISTER)}); require(${JSON.stringify(workerFile)});`, { eval: true, workerData: data, execArgv: [] });
  // The REPL's end ends the process; a checker still building must not keep it alive.
  worker.unref();
  const pending = new Map<number, { request: Request; settle: (reply: CheckerReply) => void }>();
  /** Everything that shaped the checker's file, to rebuild it here if the thread fails. */
  const told: Request[] = [];
  /** The answers on this thread, once the checker's own has failed. */
  let local: ((request: CheckerRequest) => CheckerReply) | undefined;
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
    const answer = (local = createCheckerAnswers(project, virtualPath).answer);
    for (const request of told) answer({ ...request, id: 0 } as CheckerRequest);
    markReady();
    const waiting = [...pending.values()];
    pending.clear();
    for (const { request, settle } of waiting) settle(answer({ ...request, id: 0 } as CheckerRequest));
  }

  /** Remembers what the thread has taken into its file, to replay it here if the thread fails. */
  function remember(request: Request): void {
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

  function send(request: Request): Promise<CheckerReply> {
    if (local) return Promise.resolve(local({ ...request, id: 0 } as CheckerRequest));
    const id = nextId++;
    return new Promise((settle) => {
      pending.set(id, { request, settle });
      worker.postMessage({ ...request, id } as CheckerRequest);
    });
  }

  const failed = (reply: CheckerReply): never => {
    throw new Error(`the type checker failed: ${'failed' in reply ? reply.failed : 'no answer'}`);
  };

  return {
    get ready() {
      return ready;
    },
    whenReady,
    async check(code, guardLoops) {
      const reply = await send({ op: 'check', code, guardLoops });
      if ('failed' in reply) failed(reply);
      if ('diagnostics' in reply && reply.diagnostics) throw toError(reply.diagnostics);
      return { js: 'js' in reply ? reply.js ?? '' : '', accept: () => void send({ op: 'accept', code }) };
    },
    async admit(code) {
      const reply = await send({ op: 'admit', code });
      if ('failed' in reply) failed(reply);
      return 'diagnostics' in reply && reply.diagnostics ? toError(reply.diagnostics) : undefined;
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
