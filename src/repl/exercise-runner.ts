import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CodedError } from '../protocol/errors';
import type { TranscriptEntry } from '../protocol/transcript';
import { EXERCISE_TIMEOUT_MS } from '../tutor/exercise';
import type { ExerciseFacts, ExercisePaths } from '../tutor/exercise';
import type { LessonStartState } from '../tutor/lesson';
import type { ExerciseWorkerData, ReplMessage, SandboxCall, WorkerMessage } from './exercise-protocol';
import type { PlaygroundTarget } from './target';

/** The project root: where the worker finds the TypeScript loader and packages the exercise imports. */
const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** Options of {@link runExercise}. */
export interface RunExerciseOptions {
  paths: ExercisePaths;
  target: PlaygroundTarget;
  /** The sandbox state put back once the run is over (the REPL's lesson's; undefined: every account's seed). */
  start: LessonStartState | undefined;
  /** Stops the run (Ctrl-C). */
  signal?: AbortSignal;
  /** How long the run may take (default {@link EXERCISE_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Type-check the learner's file first and report its errors (default true). */
  typecheck?: boolean;
  /** Each line the run reports, as it comes (the type errors first, then one per scenario). */
  onReport(line: string): void;
}

/** One run of an exercise: what it found, and what the server saw meanwhile. */
export interface ExerciseRun {
  facts: ExerciseFacts;
  transcript: readonly TranscriptEntry[];
}

/**
 * Runs an exercise's `run` over the learner's file in a worker thread of its own (see
 * ./exercise-worker), which is ended when the check is over, at the time limit or when
 * `signal` aborts: a synchronous endless loop in the learner's file stops too, and every
 * connection it left open closes with the thread, so no maildrop lock outlives the run. The
 * worker's calls on the sandbox are answered here. Never throws: a failure becomes
 * `facts.error`. Afterwards the sandbox is settled and put back in `start`.
 */
export async function runExercise(options: RunExerciseOptions): Promise<ExerciseRun> {
  const { paths, target } = options;
  const file = paths.file;
  const applyState = target.applyState;
  const setFaults = target.setFaults;
  if (!applyState || !setFaults) {
    // The check arranges mailboxes and faults, which only the embedded sandbox lets it do.
    const message = 'this check needs the sandbox the playground starts itself (it arranges mailboxes and faults): start without --server';
    return { facts: { file, error: { code: 'EXERCISE_NEEDS_SANDBOX', message } }, transcript: [] };
  }
  const entries: TranscriptEntry[] = [];
  const onEntry = (entry: TranscriptEntry): void => {
    entries.push(entry);
  };
  target.log?.on('entry', onEntry);

  const data: ExerciseWorkerData = { paths, server: target.connection, projectRoot: PROJECT_ROOT, typecheck: options.typecheck ?? true };
  const worker = new Worker(`require(${JSON.stringify(path.join(PROJECT_ROOT, 'src', 'register.js'))}); require(${JSON.stringify(path.join(__dirname, 'exercise-worker.ts'))});`, {
    eval: true,
    workerData: data,
    stdout: true,
    stderr: true,
  });
  // What the learner's program prints itself is shown under the check, like its reports.
  for (const stream of [worker.stdout, worker.stderr]) {
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) options.onReport(line);
    });
  }

  async function answer(call: SandboxCall): Promise<ReplMessage['value']> {
    switch (call.method) {
      case 'applyState':
        await applyState!(call.state);
        return undefined;
      case 'setFaults':
        await setFaults!(call.faults);
        return undefined;
      case 'settle':
        await target.settle?.();
        return undefined;
      case 'transcript':
        return [...entries];
    }
  }

  const timeoutMs = options.timeoutMs ?? EXERCISE_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const facts: ExerciseFacts = { file };
  try {
    const found = await new Promise<Omit<ExerciseFacts, 'file'>>((resolve) => {
      const stop = (error: CodedError): void => resolve({ error: { code: error.code, message: error.message } });
      timer = setTimeout(() => stop(new ExerciseTimeoutError(timeoutMs)), timeoutMs);
      onAbort = () => stop(new ExerciseStoppedError());
      if (options.signal?.aborted) onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'report') options.onReport(message.line);
        else if (message.type === 'done') resolve(message.facts);
        else {
          answer(message.call).then(
            (value) => worker.postMessage({ type: 'answer', id: message.id, ...(value !== undefined ? { value } : {}) } satisfies ReplMessage),
            (error: unknown) => worker.postMessage({ type: 'answer', id: message.id, error: (error as Error)?.message ?? String(error) } satisfies ReplMessage),
          );
        }
      });
      worker.on('error', (error) => resolve({ error: { code: 'EXERCISE_WORKER', message: error.message } }));
      worker.on('exit', (code) => resolve({ error: { code: 'EXERCISE_WORKER', message: `the check's worker ended early (exit code ${code})` } }));
    });
    Object.assign(facts, found);
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    // Ending the thread closes every connection it opened (the learner's too).
    await worker.terminate();
    try {
      // A classroom's log arrives apart from the replies: all of the run's entries, first.
      await target.sync?.();
    } catch {
      // Judged on the entries that did arrive.
    }
    target.log?.off('entry', onEntry);
    try {
      await setFaults(undefined);
      await target.settle?.();
      await applyState(options.start);
    } catch {
      // The REPL reports trouble with the lesson's state when the lesson starts again.
    }
  }
  return { facts, transcript: entries };
}

/** The check ran longer than its limit (a learner's program that never finishes, or never yields). */
export class ExerciseTimeoutError extends CodedError {
  constructor(timeoutMs: number) {
    super('EXERCISE_TIMEOUT', `the check was stopped after ${timeoutMs / 1000} s: does the program wait for something that never comes, or loop forever?`);
  }
}

/** The check was stopped with Ctrl-C. */
export class ExerciseStoppedError extends CodedError {
  constructor() {
    super('EXERCISE_STOPPED', 'the check was stopped (Ctrl-C); its sessions are closed');
  }
}
