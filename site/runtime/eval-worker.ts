/**
 * The eval worker of a lesson page: the reader's code in one REPL scope, the real client
 * (connections are MessagePorts to the sandbox worker), raw mode, and the tutor's lesson
 * session judging the goals from the sandbox's session log and what the reader evaluated.
 * The page ends this worker when synchronous code stops it from answering (a runaway loop).
 */
import { Buffer } from 'buffer';
// Node's setImmediate, which mailparser and lesson code may call (the npm polyfill installs it globally).
import 'setimmediate';
import * as client from '../../src/client/browser';
import type { Pop3Client } from '../../src/client/browser';
import { messagePortTransport } from '../../src/ports/message-port-transport';
import { formatTranscriptEntry } from '../../src/protocol/transcript';
import type { TranscriptEntry } from '../../src/protocol/transcript';
import { ClientTracker } from '../../src/repl/client-tracker';
import type { TrackedConnectOptions } from '../../src/repl/client-tracker';
import { describeError } from '../../src/repl/error-hints';
import { RawSession } from '../../src/repl/raw-session';
import { LessonSession } from '../../src/tutor/lesson-session';
import type { Lesson, LessonDefinition } from '../../src/tutor/lesson';
import { mergeProgress } from '../../src/tutor/progress-merge';
import type { Progress } from '../../src/tutor/progress';
import { createSeedLookup } from '../../src/tutor/seed-facts';
import { formatValue, formatConsoleArguments } from './print';
import { pageModules, requireFrom } from './page-modules';
import { ReplScope } from './repl-scope';
import { splitInputs } from './repl-transform';
import type { ControlEvent, ControlRequest, EvalEvent, EvalRequest, WorkerScope } from './worker-messages';
import { PAGE_SANDBOX_HOST, PAGE_SANDBOX_PORT } from './worker-messages';

const worker = self as unknown as WorkerScope;
const post = (event: EvalEvent): void => worker.postMessage(event);
// Lesson code expects Node's global Buffer (the npm buffer package, docs/lesson-format.md).
(globalThis as { Buffer?: unknown }).Buffer = Buffer;

/** How often a busy worker says it is alive; the page ends one that stays silent (site/runtime/page-runtime.ts). */
const ALIVE_EVERY_MS = 250;

type ConnectOptions = Omit<client.TransportConnectOptions, 'transport'> & TrackedConnectOptions;

let control: MessagePort;
let session: LessonSession;
let lesson: Lesson;
let scope: ReplScope;
let tracker: ClientTracker<Pop3Client, ConnectOptions>;
let raw: RawSession | undefined;
let trace = false;
let sandbox: Readonly<{ host: string; port: number; accounts: readonly Readonly<{ name: string; password: string }>[] }>;
let settleId = 0;
const settling = new Map<number, () => void>();

/** Lesson definitions, one chunk each, loaded for the page's lesson only. */
async function loadLesson(id: string): Promise<LessonDefinition> {
  const module = (await import(`../../lessons/${id}/lesson.ts`)) as { default: LessonDefinition };
  return module.default;
}

/** A POP3 connection to the sandbox worker: a MessageChannel, one end handed over. */
function connectToSandbox(options: ConnectOptions): Promise<Pop3Client> {
  const channel = new MessageChannel();
  const request: ControlRequest = { type: 'connect', port: channel.port2 };
  control.postMessage(request, [channel.port2]);
  return client.connect({ ...options, transport: messagePortTransport(channel.port1, { remote: `${PAGE_SANDBOX_HOST}:${PAGE_SANDBOX_PORT}` }) });
}

/** Resolves once the sandbox has let go of every closed session (no [IN-USE] at the next login). */
function settle(): Promise<void> {
  const id = ++settleId;
  return new Promise((resolve) => {
    settling.set(id, resolve);
    control.postMessage({ type: 'settle', id } satisfies ControlRequest);
  });
}

function print(id: number, text: string): void {
  post({ type: 'output', id, text: `${text}\n` });
}

/** The error line and its hint, as the terminal REPL prints them. */
function reportError(id: number, error: unknown): void {
  const friendly = describeError(error);
  session.recordError(friendly.fact);
  session.recordShown(error, 'error');
  print(id, `✘ ${friendly.message}`);
  if (friendly.hint) print(id, `  Hint: ${friendly.hint}`);
}

function freshScope(): void {
  tracker?.closeAll();
  raw = undefined;
  const lessonScope: Record<string, unknown> = {};
  for (const entry of lesson.definition.scope ?? []) {
    const named = entry as { name: string; value?: unknown; clientExport?: string };
    lessonScope[named.name] = named.clientExport !== undefined ? (client as Record<string, unknown>)[named.clientExport] : named.value;
  }
  scope = new ReplScope(
    {
      connect: (options: ConnectOptions) => tracker.connect(options, 'prompt'),
      sandbox,
      require: requireFrom(pageModules),
      ...lessonScope,
    },
    (specifier) => pageModules.load(specifier),
  );
}

/** Evaluates the goals (after an evaluation, or explicitly as `.check`) and tells the page. */
function judge(explicit = false): void {
  const outcome = session.check(explicit);
  post({
    type: 'goals',
    goals: outcome.results.map((r) => ({ id: r.id, met: r.met })),
    completedNow: outcome.completedNow,
    ...(outcome.mistake ? { mistake: outcome.mistake.id } : {}),
  });
}

async function evaluateTs(id: number, lines: readonly string[]): Promise<boolean> {
  let errored = false;
  for (const input of splitInputs(lines)) {
    try {
      const value = await scope.evaluate(input);
      session.recordValue(value);
      if (value !== undefined) print(id, formatValue(value));
    } catch (error) {
      errored = true;
      reportError(id, error);
    }
    judge();
  }
  return errored;
}

async function enterRaw(id: number): Promise<boolean> {
  try {
    const opened = await tracker.connect({ ...sandbox } as ConnectOptions, 'raw');
    raw = new RawSession(opened);
    session.recordRawSession();
    print(id, `Raw mode: connected to ${sandbox.host}:${sandbox.port}. Type POP3 commands (e.g. CAPA, USER alice); .raw leaves.`);
    print(id, opened.greeting);
    judge();
    return true;
  } catch (error) {
    reportError(id, error);
    return false;
  }
}

function leaveRaw(id: number, announce: boolean): void {
  raw?.close();
  raw = undefined;
  if (announce) print(id, 'Left raw mode; back to TypeScript.');
}

/** One raw line: sent, recorded with secrets redacted, its reply printed as it crossed the wire. */
async function rawLine(id: number, line: string): Promise<{ errored: boolean; refused: boolean }> {
  const current = raw;
  if (!current || line.trim() === '') return { errored: false, refused: false };
  session.recordRawLine(current.recordable(line));
  let errored = false;
  let refused = false;
  try {
    const exchange = await current.send(line);
    for (const l of exchange.lines) print(id, l);
    refused = exchange.lines[0]?.startsWith('-ERR') === true;
    if (exchange.closed) {
      print(id, 'Connection closed by the server.');
      leaveRaw(id, true);
    }
  } catch (error) {
    errored = true;
    reportError(id, error);
    if (current.closed) leaveRaw(id, true);
  }
  judge();
  return { errored, refused };
}

/** A ```pop3 block, as the curriculum tests run it: `.raw`, each line, `.raw` again unless the server closed. */
async function runRawBlock(id: number, lines: readonly string[]): Promise<{ errored: boolean; refused: boolean }> {
  let errored = false;
  let refused = false;
  if (!raw && !(await enterRaw(id))) return { errored: true, refused };
  for (const line of lines.filter((l) => l.trim() !== '')) {
    if (!raw) {
      errored = true;
      print(id, `(not sent: the raw session had ended) ${line}`);
      continue;
    }
    print(id, `pop3> ${line}`);
    const result = await rawLine(id, line);
    errored ||= result.errored;
    refused ||= result.refused;
  }
  if (raw) leaveRaw(id, false);
  return { errored, refused };
}

/** Runs `work` while saying every so often that this worker is alive. */
async function busy<T>(work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => post({ type: 'alive' }), ALIVE_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

async function init(data: Extract<EvalRequest, { type: 'init' }>, port: MessagePort): Promise<void> {
  control = port;
  trace = data.trace;
  sandbox = Object.freeze({ host: PAGE_SANDBOX_HOST, port: PAGE_SANDBOX_PORT, accounts: Object.freeze(data.accounts.map((a) => Object.freeze({ ...a }))) });
  const definition = await loadLesson(data.lessonId);
  // The prose is the page itself; the tutor judges from the definition.
  lesson = { id: data.lessonId, number: data.lessonNumber, dir: `lessons/${data.lessonId}`, markdown: '', definition };
  let stored: Progress = data.progress;
  session = new LessonSession({
    lessons: [lesson],
    store: {
      location: 'this browser (localStorage)',
      load: () => stored,
      save: (progress) => {
        stored = mergeProgress(stored, progress);
        post({ type: 'progress', progress: stored });
        return stored;
      },
      replace: (progress) => {
        stored = progress;
        post({ type: 'progress', progress });
      },
    },
    seed: createSeedLookup({ messages: () => data.seed.messages, size: (file) => data.seed.sizes[file] ?? 0 }),
  });
  session.enter(lesson);
  session.setTrace(trace);
  tracker = new ClientTracker<Pop3Client, ConnectOptions>({
    connect: connectToSandbox,
    onTrace: (entry: TranscriptEntry) => {
      if (trace) post({ type: 'output', id: currentRun, text: `${formatTranscriptEntry(entry)}\n` });
    },
    onClient: (origin) => {
      if (origin === 'prompt') session.recordClient();
    },
    // What the reader's client calls settled with, so the tutor judges what they saw (facts.saw).
    calls: { start: () => session.startCall(), settle: (record) => session.recordCall(record) },
    passwords: data.accounts.flatMap((a) => (a.password !== undefined ? [a.password] : [])),
  });
  // The log so far arrives once; entries sent before it are in it (the port keeps order), so
  // only those after it are recorded one by one.
  let synced = false;
  control.onmessage = ({ data: event }: MessageEvent<ControlEvent>) => {
    if (event.type === 'entry') {
      if (synced) session.recordEntry(event.entry);
    } else if (event.type === 'log') {
      for (const entry of event.entries) session.recordEntry(entry);
      synced = true;
    } else if (event.type === 'settled') {
      settling.get(event.id)?.();
      settling.delete(event.id);
    }
  };
  control.postMessage({ type: 'log' } satisfies ControlRequest);
  freshScope();
  (globalThis as { console: Console }).console = pageConsole;
  post({ type: 'ready' });
  judge();
}

/** The run whose output console calls and trace lines belong to. */
let currentRun = 0;

/** The reader's `console`: printed into the current run's output, formatted as Node's console formats. */
const pageConsole = new Proxy(console, {
  get(target, key) {
    if (key === 'log' || key === 'info' || key === 'warn' || key === 'error' || key === 'debug') {
      return (...args: unknown[]) => {
        for (const arg of args) session.recordShown(arg, 'console');
        post({ type: 'output', id: currentRun, text: `${formatConsoleArguments(args)}\n` });
      };
    }
    return Reflect.get(target, key);
  },
});

/** Requests run one after another, as lines typed at a prompt. */
let queue: Promise<void> = Promise.resolve();

worker.onmessage = ({ data, ports }: MessageEvent<EvalRequest>) => {
  queue = queue.then(async () => {
    try {
      if (data.type === 'init') {
        const port = ports[0];
        if (!port) throw new Error('init without the sandbox control port');
        await init(data, port);
      } else if (data.type === 'run') {
        currentRun = data.id;
        const result = await busy(async () => (data.language === 'ts' ? { errored: await evaluateTs(data.id, data.lines), refused: false } : runRawBlock(data.id, data.lines)));
        await settle();
        post({ type: 'done', id: data.id, ...result, rawOpen: raw !== undefined });
      } else if (data.type === 'raw') {
        currentRun = data.id;
        const line = data.line.trim();
        let result = { errored: false, refused: false };
        if (line === '.raw') {
          if (raw) leaveRaw(data.id, true);
          else await enterRaw(data.id);
        } else if (raw) {
          result = await busy(() => rawLine(data.id, data.line));
        } else {
          print(data.id, 'Not connected: type .raw (or press Connect) first.');
        }
        post({ type: 'done', id: data.id, ...result, rawOpen: raw !== undefined });
      } else if (data.type === 'trace') {
        trace = data.on;
        session.setTrace(trace);
        judge();
      } else if (data.type === 'check') {
        judge(true);
      } else if (data.type === 'hint') {
        const hint = session.takeHint();
        post(hint ? { type: 'hint', id: data.id, goal: hint.goalId, tier: hint.tier, tiers: hint.tiers } : { type: 'hint', id: data.id });
      }
    } catch (error) {
      post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  });
};
