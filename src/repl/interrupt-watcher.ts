import { readlinkSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { PHASE, SLOT, watchTerminal } from './interrupt-worker';
import type { WatcherData } from './interrupt-worker';

/**
 * How the REPL marks what its thread runs, so that a Ctrl-C typed at a terminal while the
 * event loop is blocked knows how to stop it (docs/architecture.md, "The evaluator").
 */
export interface RunGuard {
  /** Runs the synchronous part of learner code (inside the runner that breaks on SIGINT). */
  sync<T>(run: () => T): T;
  /** Runs the REPL's own work (compiling, rendering): keys typed meanwhile are kept for the prompt. */
  own<T>(run: () => T): T;
  /** True when loops should be guarded (./loop-guard): a terminal is watched. */
  readonly watching: boolean;
  /** True once after a Ctrl-C asked learner code outside the runner to stop. */
  interrupted(): boolean;
}

/** No terminal to watch: runs everything as it is. */
export const UNGUARDED: RunGuard = { sync: (run) => run(), own: (run) => run(), watching: false, interrupted: () => false };

/** The watcher of one REPL's terminal. */
export interface InterruptWatcher extends RunGuard {
  /** Starts the watching thread (its start-up needs this thread for a moment: call it once the prompt is up). */
  start(): void;
  /** How many keys were typed, and dropped, while code blocked the event loop since the last call. */
  takeDiscarded(): number;
  /** Stops watching. */
  close(): void;
}

/** Options of {@link createInterruptWatcher}. */
export interface InterruptWatcherOptions {
  /** The REPL's input, a terminal. */
  input: { fd?: unknown };
  /** The REPL's output terminal's file descriptor. */
  outputFd: number;
  /** What the terminal is told about a loop in a callback, and before the playground ends. */
  texts: { uninterruptible: string; ending: string };
}

/** How often the event loop proves it runs, ms. */
const HEARTBEAT_MS = 20;
/** A loop asked to stop that still blocks after this long cannot be stopped; told within 1 s. */
const STOP_WITHIN_MS = 500;
/**
 * The loop counts as blocked when the heartbeat stood still this long, ms: longer than any
 * pause of a running loop, short enough that a Ctrl-C stops code within 200 ms.
 */
const BLOCKED_AFTER_MS = 100;
/**
 * Blocked with no input's synchronous part and no guarded loop running (e.g. `Atomics.wait` in
 * a timer), ms: a press is still told within 1 s (this, then {@link STOP_WITHIN_MS}).
 */
const QUIET_BLOCKED_AFTER_MS = 400;

/**
 * A thread that watches the terminal while code blocks the REPL's event loop: a Ctrl-C stops
 * the code (raw mode stays on), other keys are dropped and counted. Undefined when the input
 * is not a terminal this process can open again (the watchdog and an external SIGINT remain).
 */
export function createInterruptWatcher(options: InterruptWatcherOptions): InterruptWatcher | undefined {
  const device = terminalDevice(options.input.fd);
  if (device === undefined) return undefined;
  const shared = new Int32Array(new SharedArrayBuffer(4 * Object.keys(SLOT).length));
  let heartbeat: NodeJS.Timeout | undefined;
  let worker: Worker | undefined;
  // A SIGINT the watcher raised that lands after the code ended must not end the process.
  const lateSignal = (): void => {};

  const inPhase = <T>(phase: number, run: () => T): T => {
    const previous = Atomics.exchange(shared, SLOT.phase, phase);
    try {
      return run();
    } finally {
      Atomics.store(shared, SLOT.phase, previous);
      // The loop runs again: the watcher stops reading before the prompt can show.
      Atomics.add(shared, SLOT.heartbeat, 1);
    }
  };

  return {
    sync: (run) => inPhase(PHASE.sync, run),
    own: (run) => inPhase(PHASE.own, run),
    watching: true,
    interrupted() {
      Atomics.add(shared, SLOT.loopTurns, 1);
      if (Atomics.exchange(shared, SLOT.interrupt, 0) === 0) return false;
      Atomics.add(shared, SLOT.heartbeat, 1);
      return true;
    },
    start() {
      if (worker) return;
      process.on('SIGINT', lateSignal);
      heartbeat = setInterval(() => Atomics.add(shared, SLOT.heartbeat, 1), HEARTBEAT_MS);
      heartbeat.unref();
      const data: WatcherData = {
        shared: shared.buffer as SharedArrayBuffer,
        device,
        outputFd: options.outputFd,
        blockedAfterMs: BLOCKED_AFTER_MS,
        quietBlockedAfterMs: QUIET_BLOCKED_AFTER_MS,
        stopWithinMs: STOP_WITHIN_MS,
        ...options.texts,
      };
      // The body imports nothing, so its source runs as it is, with the constants it reads.
      const source = `const SLOT = ${JSON.stringify(SLOT)}; const PHASE = ${JSON.stringify(PHASE)};\n(${watchTerminal.toString()})(require('node:worker_threads').workerData);`;
      worker = new Worker(source, { eval: true, workerData: data });
      worker.unref();
      // Without the watcher, the watchdog still stops runaway code.
      worker.on('error', () => {});
    },
    takeDiscarded: () => Atomics.exchange(shared, SLOT.discarded, 0),
    close() {
      Atomics.store(shared, SLOT.stop, 1);
      if (heartbeat) clearInterval(heartbeat);
      process.off('SIGINT', lateSignal);
    },
  };
}

/** The terminal device behind a file descriptor, to be opened again non-blocking (the REPL's own stays as it is). */
function terminalDevice(fd: unknown): string | undefined {
  if (typeof fd !== 'number') return undefined;
  if (process.platform === 'linux') {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return undefined;
    }
  }
  return process.platform === 'win32' ? undefined : '/dev/tty';
}
