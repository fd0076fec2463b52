/**
 * `npm run exercises -- list|watch|verify|hint|reset [n]`: the file exercises, for a learner
 * who works in their own editor (docs/lesson-format.md, "File exercises"). Starts its own
 * embedded sandbox, or works on the classroom's with `--join URL --code CODE`; progress goes to
 * the same file as the REPL's, with locked, merging writes, so both may run at once.
 */
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { PlaygroundTarget } from '../repl/target';
import type { ProgressStore } from '../tutor/progress-store';
import { loadLessons } from '../tutor/node/lesson-folders';
import { FileProgressStore, PROGRESS_FILE } from '../tutor/node/progress-file';
import { resolveStateDir } from '../tutor/node/state-dir';
import { loadExercises } from '../tutor/node/exercise-units';
import { ExerciseTrack } from './exercise-track';
import { hintLines, listLines, verifyLines } from './exercise-text';

const ROOT = path.join(__dirname, '..', '..');

const USAGE = `Usage: npm run exercises -- <command> [n] [options]

Commands (n: an exercise's number, name or file; default: the first not done):
  list              every exercise, its status and the path of your file
  watch [n]         check your file now and on every save (h hint, r check again, q quit)
  verify [n]        check your file once (exit code 0 when every goal is met)
  hint [n]          the next hint for the first goal not met
  reset [n]         put the template back (your file is kept as <file>.bak); asks first

Options:
  --state-dir DIR   where progress and the workspace live (as for npm start)
  --join URL        use a workshop classroom's sandbox (the URL on your slip) ...
  --code CODE       ... with the join code on your slip
  --poll            watch by polling, where file events do not arrive (some containers, network drives)
  --yes             reset without asking
  -h, --help        this text
`;

/** Where the command's output goes, and its answers come from. */
export interface ExercisesIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

/** Runs the command; resolves with the exit code. */
export async function main(argv: string[], io: ExercisesIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }): Promise<number> {
  const out = (lines: readonly string[]): void => {
    io.stdout.write(lines.map((l) => `${l}\n`).join(''));
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'state-dir': { type: 'string' },
        lessons: { type: 'string' },
        join: { type: 'string' },
        code: { type: 'string' },
        poll: { type: 'boolean' },
        yes: { type: 'boolean' },
        'timeout-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command = 'list', query] = positionals;
  if (values.help || !['list', 'watch', 'verify', 'hint', 'reset'].includes(command)) {
    (values.help ? io.stdout : io.stderr).write(USAGE);
    return values.help ? 0 : 2;
  }
  if ((values.join === undefined) !== (values.code === undefined)) {
    io.stderr.write(`--join and --code go together\n\n${USAGE}`);
    return 2;
  }
  const stateDir = resolveStateDir(values['state-dir']);
  const lessons = await loadLessons(path.resolve(values.lessons ?? path.join(ROOT, 'lessons')));
  const { exercises, problems } = await loadExercises(lessons.lessons);
  for (const p of problems) io.stderr.write(`✘ ${p.path}: ${p.reason}\n`);

  // Only the commands that run a file need a server.
  const needsServer = command === 'watch' || command === 'verify';
  let target: PlaygroundTarget = { connection: { host: '127.0.0.1', port: 0, accounts: [] }, description: 'none' };
  let store: ProgressStore = new FileProgressStore(path.join(stateDir, PROGRESS_FILE));
  const closers: (() => Promise<void>)[] = [];
  if (needsServer) {
    const { startEmbeddedTarget } = await import('../cli');
    const embedded = await startEmbeddedTarget();
    closers.push(() => embedded.close());
    target = embedded.target;
    if (values.join !== undefined && values.code !== undefined) {
      try {
        const { joinClassroom } = await import('../join');
        const joined = await joinClassroom({ url: values.join, code: values.code, stateDir, fallback: embedded.target });
        closers.unshift(() => joined.close());
        target = joined.target;
        store = joined.reporter.wrap(store);
      } catch (error) {
        io.stderr.write(`Could not join the classroom: ${(error as Error).message}\n`);
        await Promise.all(closers.map((close) => close()));
        return 1;
      }
    }
  }
  const timeoutMs = values['timeout-ms'] !== undefined ? Number(values['timeout-ms']) : undefined;
  const track = new ExerciseTrack({ exercises, target, stateDir, projectRoot: ROOT, store, ...(timeoutMs ? { timeoutMs } : {}) });
  try {
    if (command === 'list') {
      out(listLines(track.list(), track.progressLocation));
      return 0;
    }
    const unit = query !== undefined ? track.find(query) : track.current();
    if (!unit) {
      io.stderr.write(query !== undefined ? `No exercise "${query}": npm run exercises -- list shows them.\n` : 'There are no file exercises.\n');
      return 1;
    }
    switch (command) {
      case 'verify': {
        out([`Checking ${track.prepare(unit).file} ...`]);
        const outcome = await track.verify(unit, (line) => out([`  ${line}`]));
        out(verifyLines(outcome));
        return outcome.judgement.passedNow ? 0 : 1;
      }
      case 'hint':
        out(hintLines(track.hint(unit)));
        return 0;
      case 'reset': {
        const file = track.paths(unit).file;
        if (!values.yes && !(await confirm(io, `Put the template back in ${file}? Your file is kept as ${path.basename(file)}.bak. [y/N] `))) {
          out(['Nothing changed.']);
          return 1;
        }
        const backup = track.reset(unit);
        out([`${file} starts over from the template.${backup ? ` Yours is in ${backup}.` : ''}`]);
        return 0;
      }
      default:
        return await watchUntilQuit(track, unit, io, values.poll === true);
    }
  } finally {
    await Promise.all(closers.map((close) => close()));
  }
}

/** Watch mode until `q`, end of input or Ctrl-C: `h` a hint, `r` (or Enter) checks again. */
async function watchUntilQuit(track: ExerciseTrack, unit: import('../tutor/exercise').ExerciseUnit, io: ExercisesIo, poll: boolean): Promise<number> {
  const out = (lines: readonly string[]): void => {
    io.stdout.write(lines.map((l) => `${l}\n`).join(''));
  };
  const { ExerciseWatch } = await import('./exercise-watch');
  const watch = new ExerciseWatch({ track, unit, print: out, mode: poll ? 'poll' : 'auto' });
  out([`Watching ${track.paths(unit).file} (${watch.mode === 'poll' ? 'polling' : 'on every save'}). Keys: h hint, r check again, q quit.`]);
  watch.recheck();
  const lines = createInterface({ input: io.stdin, terminal: false });
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      lines.close();
      resolve();
    };
    process.once('SIGINT', stop);
    lines.on('close', stop);
    lines.on('line', (line) => {
      const key = line.trim().toLowerCase();
      if (key === 'q') stop();
      else if (key === 'h') out(hintLines(track.hint(unit)));
      else watch.recheck();
    });
  });
  await watch.close();
  return 0;
}

/** Asks a yes/no question on the command's input. */
async function confirm(io: ExercisesIo, question: string): Promise<boolean> {
  io.stdout.write(question);
  const lines = createInterface({ input: io.stdin, terminal: false });
  const answer = await new Promise<string>((resolve) => {
    lines.once('line', resolve);
    lines.once('close', () => resolve(''));
  });
  lines.close();
  return /^y(es)?$/i.test(answer.trim());
}

// Run only as a program (`npm run exercises`), not when a test imports this module.
if (typeof module !== 'undefined' && typeof require !== 'undefined' && require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
