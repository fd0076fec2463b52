/**
 * `npm start`: the composition root. Starts the sandbox in this process on a free loopback
 * port (or points at another server with --server), loads the lessons, and opens the guided
 * REPL. The only module that imports sandbox-server.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { LessonStartState } from './tutor';
import type { LoadedLessons } from './tutor';
// Only light modules load before main() starts the certificate worker; the tutor's index
// would also load the goal facts and the seed (~20 ms).
import { loadLessons } from './tutor/node/lesson-folders';
import { resolveStateDir } from './tutor/node/state-dir';
import type { PlaygroundTarget } from './repl/target';
import type { ByteTransport } from './protocol/transport';
import { createMemoryPair } from './ports/memory-transport';
import { decideStyle } from './repl/style';
import type { Sandbox } from '../sandbox-server';
import { prepareSandboxCertificates } from '../sandbox-server/certificates';

const ROOT = path.join(__dirname, '..');

const USAGE = `Usage: npm start -- [options]

  --state-dir DIR     where progress and history live
                      (default $XDG_STATE_HOME/pop3-playground or ~/.local/state/pop3-playground)
  --fast              no type checking: each line runs sooner and nothing waits
                      for the checker (not a quicker start)
  --debug             show stack traces with errors
  --server HOST:PORT  use another POP3 server instead of the embedded sandbox
  --user NAME         the account to use on that server; at a terminal it asks
                      for its password (not shown, kept in memory only)
  --ca FILE           PEM of a CA to trust for that server's TLS certificate
  --tls               connect to that server with implicit TLS (RFC 8314)
  --join URL          join a workshop's classroom (the URL on your slip) ...
  --code CODE         ... with the join code on your slip
  --import FILE       merge progress exported with .progress export FILE, then start
  --lessons DIR       load lessons from another folder (default: lessons/)
  --eval-timeout MS   stop synchronous code that runs longer (default 5000; 0 = never)
  --no-history        do not save line history
  -h, --help          this text
`;

interface CliOptions {
  stateDir: string;
  fast: boolean;
  debug: boolean;
  server?: { host: string; port: number; user?: string; ca?: string; tls: boolean };
  lessonsDir: string;
  evalTimeoutMs: number;
  history: boolean;
  join?: { url: string; code: string };
  importFile?: string;
}

function parseCommandLine(argv: string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      'state-dir': { type: 'string' },
      fast: { type: 'boolean', default: false },
      debug: { type: 'boolean', default: false },
      server: { type: 'string' },
      user: { type: 'string' },
      ca: { type: 'string' },
      tls: { type: 'boolean', default: false },
      lessons: { type: 'string' },
      'eval-timeout': { type: 'string' },
      'no-history': { type: 'boolean', default: false },
      join: { type: 'string' },
      code: { type: 'string' },
      import: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  let server: CliOptions['server'];
  if (values.server !== undefined) {
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(values.server);
    if (!match) throw new Error(`--server wants HOST:PORT, got ${JSON.stringify(values.server)}`);
    const host = (match[1] ?? '').replace(/^\[|\]$/g, '');
    const port = match[2] !== undefined ? Number(match[2]) : values.tls ? 995 : 110;
    server = {
      host,
      port,
      tls: values.tls ?? false,
      ...(values.user !== undefined ? { user: values.user } : {}),
      ...(values.ca !== undefined ? { ca: readFileSync(values.ca, 'utf8') } : {}),
    };
  } else if (values.user !== undefined || values.ca !== undefined) {
    throw new Error('--user and --ca go with --server');
  }
  if ((values.join === undefined) !== (values.code === undefined)) throw new Error('--join URL and --code CODE go together (both are on your slip)');
  if (values.join !== undefined && server) throw new Error('--join and --server cannot be used together');
  const timeout = values['eval-timeout'] !== undefined ? Number(values['eval-timeout']) : 5_000;
  if (!Number.isInteger(timeout) || timeout < 0) throw new Error('--eval-timeout wants a whole number of milliseconds');
  return {
    stateDir: resolveStateDir(values['state-dir']),
    fast: values.fast ?? false,
    debug: values.debug ?? false,
    ...(server ? { server } : {}),
    lessonsDir: path.resolve(values.lessons ?? path.join(ROOT, 'lessons')),
    evalTimeoutMs: timeout,
    history: !(values['no-history'] ?? false),
    ...(values.join !== undefined && values.code !== undefined ? { join: { url: values.join, code: values.code } } : {}),
    ...(values.import !== undefined ? { importFile: path.resolve(values.import) } : {}),
  };
}

async function loadLessonsSafely(dir: string, isSeedMessage?: (name: string) => boolean): Promise<LoadedLessons> {
  try {
    return await loadLessons(dir, isSeedMessage ? { isSeedMessage } : {});
  } catch (error) {
    return { lessons: [], problems: [{ path: dir, reason: (error as Error).message }] };
  }
}

/** The embedded sandbox as the REPL's target: started on a free loopback port, mail in memory. */
export interface EmbeddedTarget {
  target: PlaygroundTarget;
  /** The sandbox itself, for tests that arrange mail directly. */
  sandbox: Sandbox;
  close(): Promise<void>;
  isSeedMessage(name: string): boolean;
}

/** Options of {@link startEmbeddedTarget}. */
export interface EmbeddedTargetOptions {
  /**
   * How the REPL's connections reach the sandbox: loopback TCP (the default, as a learner's
   * own programs connect), or an in-memory pair in this process (no TLS).
   */
  transport?: 'tcp' | 'memory';
}

/** Starts the sandbox and wraps it as a REPL target (lesson state, session settling). */
export async function startEmbeddedTarget(options: EmbeddedTargetOptions = {}): Promise<EmbeddedTarget> {
  const { startSandbox, loadSeed, applyStartState } = await import('../sandbox-server');
  const { waitForSessionsClosed } = await import('./repl/session-settle');
  const [sandbox, seed] = await Promise.all([startSandbox({}), loadSeed()]);
  const seedNames = new Set(seed.messages.keys());
  const applyState = (state: LessonStartState | undefined): Promise<void> => applyStartState(sandbox, state);
  const tls = sandbox.tlsPort !== undefined ? `, implicit TLS on port ${sandbox.tlsPort}` : '';
  return {
    target: {
      connection: {
        host: sandbox.host,
        port: sandbox.port,
        ca: sandbox.ca,
        ...(sandbox.tlsPort !== undefined ? { tlsPort: sandbox.tlsPort } : {}),
        accounts: sandbox.accounts,
      },
      description: `the sandbox on ${sandbox.host}:${sandbox.port}${tls} (in this process, mail in memory)`,
      log: sandbox.log,
      applyState,
      settle: () => waitForSessionsClosed(sandbox.log),
      setFaults: (faults) => sandbox.setFaults(faults),
      ...(options.transport === 'memory' ? { openTransport: () => openMemoryConnection(sandbox) } : {}),
    },
    sandbox,
    close: () => sandbox.close(),
    isSeedMessage: (name) => seedNames.size === 0 || seedNames.has(name),
  };
}

/** A connection to the sandbox over an in-memory pair: the sandbox runs a session on one end, the client gets the other. */
function openMemoryConnection(sandbox: Sandbox): ByteTransport {
  const [client, server] = createMemoryPair({ remote: ['sandbox', 'learner'] });
  sandbox.accept(server);
  return client;
}

/** Another POP3 server as the REPL's target: facts then come from the client's trace. */
export function remoteTarget(server: { host: string; port: number; user?: string; password?: string; ca?: string; tls: boolean }): PlaygroundTarget {
  return {
    connection: {
      host: server.host,
      port: server.port,
      ...(server.ca !== undefined ? { ca: server.ca } : {}),
      ...(server.tls ? { tls: true } : {}),
      accounts: server.user !== undefined ? [{ name: server.user, ...(server.password ? { password: server.password } : {}) }] : [],
    },
    description: `${server.host}:${server.port}${server.tls ? ' (implicit TLS)' : ''}${server.user ? `, user ${server.user}` : ''}`,
  };
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  let options: CliOptions | 'help';
  try {
    options = parseCommandLine(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const cli = options;
  let password: string | undefined;
  if (cli.server?.user !== undefined && process.stdin.isTTY && process.stdout.isTTY) {
    const { askPassword } = await import('./repl/password-prompt');
    const { host, port, user } = cli.server;
    const answer = await askPassword(`Password for ${user} at ${host}:${port} (not shown, not stored; Enter for none): `, process.stdin, process.stdout);
    if (answer === 'cancelled') return 130;
    password = answer.password;
  }
  // The sandbox's certificates (the X.509 library alone loads in ~150 ms) are made on a worker
  // thread while this one loads the REPL, the lessons and the markdown renderer.
  if (!cli.server) prepareSandboxCertificates();
  if (cli.importFile !== undefined && !(await import('./repl/progress-transfer')).importAtStart(cli.stateDir, cli.importFile, process.stdout, process.stderr)) return 1;
  let closeServer = async (): Promise<void> => {};
  let target: PlaygroundTarget;
  let classroom: import('./join').ReplInClassroom | undefined;
  let lessons: LoadedLessons;
  // Key generation runs off the main thread: load the REPL meanwhile. Lesson text rendered
  // before comes from the cache, so marked-terminal (~150 ms) loads only for text not rendered
  // yet in this style.
  const style = decideStyle(process.stdout);
  const preparing = (async () => {
    const replModule = await import('./repl/playground-repl');
    const { createCachedMarkdownRenderer } = await import('./repl/markdown-cache');
    const markdown = createCachedMarkdownRenderer(style, {
      dir: path.join(ROOT, 'node_modules', '.cache', 'pop3-playground-markdown'),
      isTTY: process.stdout.isTTY === true,
    });
    return { replModule, markdown };
  })();
  try {
    if (cli.server) {
      target = remoteTarget({ ...cli.server, ...(password ? { password } : {}) });
      lessons = await loadLessonsSafely(cli.lessonsDir);
    } else {
      const [embedded, loaded] = await Promise.all([startEmbeddedTarget(), loadLessonsSafely(cli.lessonsDir), preparing]);
      target = embedded.target;
      closeServer = embedded.close;
      lessons = loaded;
      // In a classroom the embedded sandbox stands by, for working offline.
      if (cli.join) target = (classroom = await (await import('./join')).joinForRepl({ ...cli.join, stateDir: cli.stateDir, fallback: embedded.target })).target;
      // Seed names are checked once the seed is known (loading ran in parallel).
      for (const lesson of lessons.lessons) {
        for (const [account, mailbox] of Object.entries(lesson.definition.start?.mailboxes ?? {})) {
          if (mailbox === 'seed') continue;
          const unknown = mailbox.find((name) => !embedded.isSeedMessage(name));
          if (unknown) lessons.problems.push({ path: path.join(lesson.dir, 'lesson.ts'), reason: `start.mailboxes.${account}: no seed message named "${unknown}"` });
        }
      }
    }
  } catch (error) {
    process.stderr.write(`${cli.join ? 'Could not join the classroom' : 'Could not start'}: ${(error as Error).message}\n`);
    await closeServer();
    return 1;
  }

  const { replModule, markdown } = await preparing;
  // The client loads on first use: while the lessons load when one names a client export in its
  // scope (hidden behind the sandbox's key generation), else at the first connect.
  const connect: typeof import('./client').connect = async (connectOptions) => (await import('./client')).connect(connectOptions);
  const repl = await replModule.startPlaygroundRepl({
    input: process.stdin,
    output: process.stdout,
    style,
    markdown,
    target,
    connect,
    clientModule: path.join(ROOT, 'src', 'client'),
    lessons,
    stateDir: cli.stateDir,
    project: path.join(ROOT, 'tsconfig.json'),
    fast: cli.fast,
    debug: cli.debug,
    evalTimeoutMs: cli.evalTimeoutMs,
    history: cli.history,
    guardRejections: true,
    ...(classroom ? { progressStore: classroom.progressStore, extension: classroom.extension } : {}),
  });
  // A real SIGINT (kill -INT, or Ctrl-C with piped input) cancels what is pending; at a
  // terminal Ctrl-C is a keypress the REPL handles itself. Without a listener the default
  // action would end the process and lose the session.
  const onSigint = (): void => {
    if (!repl.interrupt() && !process.stdin.isTTY) repl.server.close();
  };
  process.on('SIGINT', onSigint);
  await repl.closed;
  process.off('SIGINT', onSigint);
  await closeServer();
  return 0;
}

// Run only as a program (`npm start`), not when a test imports this module.
if (typeof module !== 'undefined' && typeof require !== 'undefined' && require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
