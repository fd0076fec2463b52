/**
 * The body of the thread that watches the terminal while code blocks the REPL's event loop.
 * It runs in a worker of its own (started by ./interrupt-watcher with `eval`), so the
 * function imports nothing: everything it needs comes through `data`, `require` and the
 * constants below, which the watcher puts before its source.
 */

/** Slots of the array the REPL's thread and the watching thread share. */
export const SLOT = {
  /** Counted up by the REPL's thread while its event loop runs. */
  heartbeat: 0,
  /** What the REPL's thread runs now: one of {@link PHASE}. */
  phase: 1,
  /** Keys read and dropped while the loop was blocked, not told yet. */
  discarded: 2,
  /** Set to stop the watching thread. */
  stop: 3,
  /** Set on Ctrl-C while learner code runs outside the runner: its next loop turn throws (./loop-guard). */
  interrupt: 4,
  /** Counted up by every turn of a guarded loop (./loop-guard): learner code is spinning. */
  loopTurns: 5,
} as const;

/** What the REPL's thread runs. */
export const PHASE = {
  /** Learner code in callbacks or after an `await`, or nothing (idle). */
  learner: 0,
  /** The REPL's own work (compiling, rendering): keys typed meanwhile are left for the prompt. */
  own: 1,
  /** The synchronous part of an input, inside the runner that breaks on SIGINT. */
  sync: 2,
} as const;

/** What the watching thread is given. */
export interface WatcherData {
  shared: SharedArrayBuffer;
  /** The terminal device behind the REPL's input (opened again, non-blocking). */
  device: string;
  /** The file descriptor of the REPL's output terminal, written directly while its thread is blocked. */
  outputFd: number;
  /** The event loop counts as blocked once the heartbeat has not moved for this long, ms, while an input's synchronous part or a guarded loop runs. */
  blockedAfterMs: number;
  /**
   * The same with no sign of learner code running, ms: longer, so a REPL merely starved of
   * CPU at an idle prompt never has the keys typed there read away.
   */
  quietBlockedAfterMs: number;
  /** A loop asked to stop that still blocks after this long, ms, cannot be stopped. */
  stopWithinMs: number;
  /** Printed when a Ctrl-C meets a loop that cannot be stopped in-process. */
  uninterruptible: string;
  /** Printed before the playground ends on the third Ctrl-C at such a loop. */
  ending: string;
}

/**
 * Watches the terminal: while the heartbeat stands still outside the REPL's own work, reads
 * what is typed (non-blocking) and drops it, counting the keys. A Ctrl-C raises SIGINT when
 * the synchronous part of an input runs (node:vm's breakOnSigint stops it); otherwise it asks
 * the next turn of a guarded loop to throw. When the loop still blocks half a second later (a
 * loop the guard cannot reach), the terminal is told, and a third Ctrl-C ends the playground
 * with SIGTERM (progress is saved as goals are met).
 */
export function watchTerminal(data: WatcherData): void {
  const fs = require('node:fs') as typeof import('node:fs');
  const shared = new Int32Array(data.shared);
  const fd = fs.openSync(data.device, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
  const buffer = Buffer.alloc(4096);
  let lastBeat = -1;
  let lastMove = Date.now();
  /** Loop turns counted when the heartbeat last moved. */
  let turnsAtMove = 0;
  /** When a Ctrl-C asked a loop to throw, in this blocked period. */
  let askedAt = 0;
  /** Ctrl-C presses met by a loop that did not stop, in this blocked period. */
  let strikes = 0;
  /**
   * SIGINT is raised once per blocked period: node:vm puts Node's own handler back for a moment
   * after the runner stops, and a second signal landing then would end the process.
   */
  let signalled = false;

  const say = (text: string): void => {
    try {
      fs.writeSync(data.outputFd, `\r\n${text.replace(/\n/g, '\r\n')}\r\n`);
    } catch {
      // The terminal is gone: nothing to tell.
    }
  };

  /** Acts on a Ctrl-C; false when it changed nothing (and so counts as a key dropped). */
  const interrupt = (): boolean => {
    if (signalled) return false;
    if (Atomics.load(shared, SLOT.phase) === PHASE.sync) {
      signalled = true;
      process.kill(process.pid, 'SIGINT');
      return true;
    }
    if (strikes === 0) {
      if (askedAt === 0) askedAt = Date.now();
      Atomics.store(shared, SLOT.interrupt, 1);
      return true;
    }
    strikes++;
    if (strikes >= 3) {
      signalled = true;
      say(data.ending);
      process.kill(process.pid, 'SIGTERM');
    }
    return true;
  };

  const read = (): void => {
    for (;;) {
      let count: number;
      try {
        count = fs.readSync(fd, buffer, 0, buffer.length, null);
      } catch {
        return; // EAGAIN: nothing typed.
      }
      if (count <= 0) return;
      const typed = buffer.toString('utf8', 0, count);
      // Escape sequences (arrows) are one key each; a Ctrl-C that acted is not counted as dropped.
      for (const key of typed.match(/\u001b\[[0-9;]*[A-Za-z~]|\u001b.|[^]/gu) ?? []) {
        if (key !== '\u0003' || !interrupt()) Atomics.add(shared, SLOT.discarded, 1);
      }
    }
  };

  const timer = setInterval(() => {
    if (Atomics.load(shared, SLOT.stop) !== 0) {
      clearInterval(timer);
      fs.closeSync(fd);
      return;
    }
    const beat = Atomics.load(shared, SLOT.heartbeat);
    const now = Date.now();
    if (beat !== lastBeat) {
      lastBeat = beat;
      lastMove = now;
      turnsAtMove = Atomics.load(shared, SLOT.loopTurns);
      askedAt = 0;
      strikes = 0;
      signalled = false;
      Atomics.store(shared, SLOT.interrupt, 0);
      return;
    }
    const phase = Atomics.load(shared, SLOT.phase);
    if (phase === PHASE.own) return;
    const running = phase === PHASE.sync || Atomics.load(shared, SLOT.loopTurns) !== turnsAtMove;
    if (now - lastMove < (running ? data.blockedAfterMs : data.quietBlockedAfterMs)) return;
    read();
    if (askedAt !== 0 && strikes === 0 && now - askedAt > data.stopWithinMs) {
      strikes = 1;
      say(data.uninterruptible);
    }
  }, 10);
}
