/**
 * The worker thread a file exercise's verify runs in (one per run): it type-checks the
 * learner's file, then calls the exercise's `run`, which loads the file and drives it against
 * the sandbox. The sandbox stays in the REPL's thread: applyState, setFaults, settle
 * and transcript are messages to it. The REPL ends this thread when the check is over, at its
 * time limit or on Ctrl-C, which closes every connection the thread opened.
 */
import * as path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import * as playground from '../index';
import { CHECK_RUNS_DIR, PLAYGROUND_MODULE } from '../tutor';
import type { ExerciseContext, ExerciseFacts } from '../tutor';
import { loadExerciseCheck } from '../tutor/node/exercise-check';
import { loadExerciseModule } from './exercise-module';
import type { ExerciseWorkerData, ReplMessage, SandboxCall, WorkerMessage } from './exercise-protocol';
import { typeErrorsOf } from './exercise-typecheck';
import { mkdirSync, rmSync } from 'node:fs';

const port = parentPort;
if (!port) throw new Error('exercise-worker runs in a worker thread');
const data = workerData as ExerciseWorkerData;
const post = (message: WorkerMessage): void => port.postMessage(message);

// Calls on the REPL's sandbox, answered by id.
let calls = 0;
const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
port.on('message', (message: ReplMessage) => {
  const pending = waiting.get(message.id);
  waiting.delete(message.id);
  if (message.error !== undefined) pending?.reject(new Error(message.error));
  else pending?.resolve(message.value);
});
function callSandbox<T>(call: SandboxCall): Promise<T> {
  const id = ++calls;
  return new Promise<T>((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
    post({ type: 'call', id, call });
  });
}

// The client as the learner's file and the check import it, every connection it opens known.
const opened = new Set<playground.Pop3Client>();
const client = Object.freeze({
  ...playground,
  connect: async (options: Parameters<typeof playground.connect>[0]) => {
    const pop = await playground.connect(options);
    opened.add(pop);
    return pop;
  },
});
const modules = Object.freeze({ [PLAYGROUND_MODULE]: client });

// Each exercise's own folder of runs, so two exercises checked at once never clear each other's.
const runsDir = path.join(data.paths.workspace, CHECK_RUNS_DIR, path.basename(data.paths.file, '.ts'));
const context: ExerciseContext = {
  file: data.paths.file,
  load: async () => loadExerciseModule(data.paths.file, { modules, fallbackDir: data.projectRoot }),
  modules,
  server: data.server,
  makeDir(name) {
    const dir = path.join(runsDir, name.replace(/[^\w.-]+/g, '-'));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    return dir;
  },
  applyState: (state) => callSandbox({ method: 'applyState', state }),
  setFaults: (faults) => callSandbox({ method: 'setFaults', faults }),
  settle: () => callSandbox({ method: 'settle' }),
  transcript: () => callSandbox({ method: 'transcript' }),
  async closeSessions() {
    let left = 0;
    for (const pop of opened) {
      if (pop.state !== 'CLOSED') {
        left++;
        pop.close();
      }
    }
    opened.clear();
    if (left > 0) await callSandbox({ method: 'settle' });
    return left;
  },
  report: (line) => post({ type: 'report', line }),
  // The REPL ends the whole thread to stop a check; nothing here aborts it earlier.
  signal: new AbortController().signal,
};

async function main(): Promise<Omit<ExerciseFacts, 'file'>> {
  rmSync(runsDir, { recursive: true, force: true });
  let typeErrors: string[] = [];
  try {
    if (data.typecheck) typeErrors = typeErrorsOf(data.paths.file, path.join(data.paths.workspace, 'tsconfig.json'));
  } catch {
    // A file that cannot be type-checked still runs; loading it reports what is wrong.
  }
  // Listed first, so the learner reads them before the runs they may explain.
  for (const line of typeErrors) context.report(`type error: ${line}`);
  try {
    const check = await loadExerciseCheck(data.paths.definition);
    return { typeErrors, result: await check(context) };
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return { typeErrors, error: { code: typeof code === 'string' ? code : ((error as Error)?.name ?? 'Error'), message: (error as Error)?.message ?? String(error) } };
  }
}

void main().then((facts) => post({ type: 'done', facts }));
