import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FaultSpec } from '../protocol/faults';
import type { PlaygroundTarget } from '../repl/target';
import type { LessonStartState } from '../tutor/lesson';
import { ClassroomLink, parseJoinUrl } from './classroom-link';
import type { JoinInfo } from './classroom-link';
import { Forwarder } from './forwarder';
import { RemoteLog } from './remote-log';
import type { ControlMessage } from './remote-log';
import { ClassroomReporter } from './reporter';
import { SwitchingLog } from './switching-log';

/** How long the classroom may be out of reach before the REPL says so and offers to go on alone. */
export const UNREACHABLE_AFTER_MS = 10_000;

/** Options of {@link joinClassroom}. */
export interface JoinOptions {
  /** The join URL from the slip: `http://HOST:PORT/?ca=PIN`. */
  url: string;
  /** The join code from the slip. */
  code: string;
  /** Where the REPL keeps its state: this REPL's device id lives there. */
  stateDir: string;
  /** The embedded sandbox as a target, started beside: where connections go offline, and a second CA to trust. */
  fallback: PlaygroundTarget & { connection: { ca?: string; tlsPort?: number } };
  unreachableAfterMs?: number;
}

/** A REPL joined to its classroom. */
export interface JoinedClassroom {
  /** The target the REPL uses: `sandbox` is a loopback address forwarding to the classroom. */
  readonly target: PlaygroundTarget & Required<Pick<PlaygroundTarget, 'log' | 'applyState' | 'setFaults' | 'settle'>> & { sync(): Promise<void> };
  readonly info: JoinInfo;
  readonly reporter: ClassroomReporter;
  readonly offline: boolean;
  /** Calls `listener` with text to show the learner (out of reach, back, the instructor's notices). */
  onNotice(listener: (text: string) => void): void;
  /** Calls `listener` when the instructor moves the learner to a lesson (by number). */
  onGoto(listener: (number: number) => void): void;
  /** Why the learner may not enter lesson `number` now (not released), or undefined. `visited`: it is in their progress already. */
  mayEnter(number: number, visited: boolean): string | undefined;
  /** Lines for `.classroom`: where it is, whether it answers, what is waiting to be sent. */
  status(): string[];
  /** Sends connections to the embedded sandbox (the lesson's start state is applied there). */
  goOffline(): Promise<void>;
  /** Back to the classroom. @throws ClassroomError when it does not answer. */
  goOnline(): Promise<void>;
  /** Raises a hand on the dashboard; resolves with what to tell the learner. */
  helpMe(message: string): Promise<string>;
  close(): Promise<void>;
}

/** This REPL's own random id, kept in the state dir so a restart rejoins as the same device. */
function deviceId(stateDir: string): string {
  const file = path.join(stateDir, 'classroom-device');
  try {
    const id = readFileSync(file, 'utf8').trim();
    if (/^[A-Za-z0-9_-]{8,64}$/.test(id)) return id;
  } catch {
    // made below
  }
  const id = randomBytes(12).toString('base64url');
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(file, `${id}\n`);
  return id;
}

/**
 * Joins the classroom (`npm start -- --join URL --code CODE`): checks its CA against the URL's
 * pin, joins with the code, opens the loopback listeners and the session-log stream, and builds
 * the REPL's target: POP3 forwarded over TLS to the learner's own accounts, facts from the
 * classroom's log, lesson states and faults applied by the classroom, progress reported.
 * @throws ClassroomError `BAD_JOIN_URL`, `UNREACHABLE`, `CA_MISMATCH`, `BAD_CODE`, `CODE_REPLACED`, `CODE_IN_USE`.
 */
export async function joinClassroom(options: JoinOptions): Promise<JoinedClassroom> {
  const address = parseJoinUrl(options.url);
  const link = await ClassroomLink.open(address, options.code);
  let info: JoinInfo;
  try {
    info = await link.request<JoinInfo>('POST', 'join', { device: deviceId(options.stateDir) });
  } catch (error) {
    link.close();
    throw error;
  }
  const forwarder = new Forwarder(link);
  await forwarder.listen();
  const remoteLog = new RemoteLog(link, info);
  const log = new SwitchingLog(remoteLog);
  const reporter = new ClassroomReporter(link);
  const fallback = options.fallback;
  const notices = new Set<(text: string) => void>();
  const gotos = new Set<(number: number) => void>();
  const say = (text: string): void => notices.forEach((listener) => listener(text));
  let release = info.release;
  let unlockedUpTo = info.unlockedUpTo;
  let lastState: LessonStartState | undefined;
  let offline = false;
  let announcedUnreachable = false;
  let pendingHelp: string | undefined;
  let unreachableTimer: NodeJS.Timeout | undefined;
  const where = `${address.host}:${address.port}`;
  const afterMs = options.unreachableAfterMs ?? UNREACHABLE_AFTER_MS;

  remoteLog.on('connected', (connected) => {
    if (!connected) {
      unreachableTimer ??= setTimeout(() => {
        announcedUnreachable = true;
        say(`The classroom at ${where} has been out of reach for ${afterMs >= 1000 ? `${Math.round(afterMs / 1000)} s` : `${afterMs} ms`}. Your progress is saved here and goes to the classroom when it is back.${offline ? '' : ' Type `.classroom offline` to go on with the embedded sandbox meanwhile.'}`);
      }, afterMs);
      unreachableTimer.unref();
      return;
    }
    clearTimeout(unreachableTimer);
    unreachableTimer = undefined;
    void reporter.flush();
    if (pendingHelp !== undefined) void raiseHand(pendingHelp).catch(() => undefined);
    if (announcedUnreachable) {
      announcedUnreachable = false;
      say(`The classroom is back.${offline ? ' Type `.classroom online` to go back to your classroom mailboxes.' : ''}`);
    }
  });
  remoteLog.on('control', (message: ControlMessage) => {
    if (message.type === 'hello' || message.type === 'release') {
      const next = (message.release ?? release) as JoinInfo['release'];
      if (message.type === 'release' && next.mode === 'paced') say(`The instructor opened lessons 1–${next.upTo}.`);
      else if (message.type === 'release') say('Every lesson is open now: go at your own pace.');
      release = next;
      if (typeof message.unlockedUpTo === 'number') unlockedUpTo = message.unlockedUpTo;
    } else if (message.type === 'goto' && typeof message.number === 'number') {
      unlockedUpTo = typeof message.unlockedUpTo === 'number' ? message.unlockedUpTo : unlockedUpTo;
      say(`The instructor moved you to lesson ${message.number}.`);
      for (const listener of gotos) listener(message.number);
    } else if (message.type === 'notice' && typeof message.text === 'string') say(message.text);
  });

  const raiseHand = async (message: string): Promise<void> => {
    await link.request('POST', 'help', { message });
    pendingHelp = undefined;
  };

  const target: JoinedClassroom['target'] = {
    connection: {
      host: '127.0.0.1',
      port: forwarder.port,
      tlsPort: forwarder.tlsPort,
      // Both CAs: the classroom's for its sandbox, the embedded sandbox's for offline work.
      ca: [link.ca.trim(), fallback.connection.ca?.trim()].filter(Boolean).join('\n'),
      accounts: fallback.connection.accounts,
    },
    description: `your mailboxes in the classroom at ${where}, as ${info.learner.name} (reached through 127.0.0.1:${forwarder.port})`,
    log,
    applyState: async (state) => {
      lastState = state;
      if (offline) await fallback.applyState?.(state);
      else await link.request('POST', 'state', { state: state ?? null });
    },
    setFaults: (faults: FaultSpec | undefined) => {
      if (offline) fallback.setFaults?.(faults);
      else void link.request('POST', 'faults', { faults: faults ?? null }).catch(() => undefined);
    },
    settle: async () => {
      if (offline) {
        await fallback.settle?.();
        return;
      }
      try {
        const { next } = await link.request<{ next: number }>('POST', 'settle', {});
        await remoteLog.waitFor(next);
      } catch {
        // Out of reach: nothing to wait for.
      }
    },
    sync: async () => {
      if (offline || !forwarder.trafficSinceSync) return;
      forwarder.trafficSinceSync = false;
      await remoteLog.sync();
    },
  };

  return {
    target,
    info,
    reporter,
    get offline() {
      return offline;
    },
    onNotice: (listener) => notices.add(listener),
    onGoto: (listener) => gotos.add(listener),
    mayEnter(number, visited) {
      if (release.mode === 'self-paced' || number <= release.upTo || number <= unlockedUpTo || visited) return undefined;
      return `Lesson ${number} is not released yet: the instructor opens lessons as the class goes (lessons 1–${release.upTo} are open).`;
    },
    status() {
      const lines = [
        `Classroom: ${where} (certificate authority ${address.pin ? 'checked against your slip' : 'not pinned: the join URL had no ?ca='}), joined as ${info.learner.name}.`,
        offline ? 'Working offline on the embedded sandbox; `.classroom online` goes back.' : remoteLog.connected ? 'Connected: your POP3 connections go to your classroom mailboxes.' : 'Out of reach just now; retrying. `.classroom offline` goes on with the embedded sandbox.',
        release.mode === 'paced' ? `Lessons 1–${Math.max(release.upTo, unlockedUpTo)} are open.` : 'Every lesson is open (self-paced).',
      ];
      if (reporter.pending) lines.push('Progress waits to be sent (it is saved here).');
      if (pendingHelp !== undefined) lines.push('Your raised hand goes up when the classroom is back.');
      if (forwarder.lastFailure) lines.push(`Last connection problem: ${forwarder.lastFailure}`);
      return lines;
    },
    async goOffline() {
      if (offline) return;
      const port = fallback.connection.port;
      forwarder.useFallback({ host: fallback.connection.host, port, ...(fallback.connection.tlsPort !== undefined ? { tlsPort: fallback.connection.tlsPort } : {}) });
      if (fallback.log) log.switchTo(fallback.log);
      offline = true;
      await fallback.applyState?.(lastState);
    },
    async goOnline() {
      if (!offline) return;
      await link.request('GET', 'log-head');
      forwarder.useFallback(undefined);
      log.switchTo(remoteLog);
      offline = false;
      await link.request('POST', 'state', { state: lastState ?? null });
      void reporter.flush();
    },
    async helpMe(message) {
      pendingHelp = message;
      try {
        await raiseHand(message);
        return 'Your hand is up on the instructor\'s dashboard, with your last commands; a mentor will come by.';
      } catch {
        return 'The classroom is out of reach: your hand goes up as soon as it is back.';
      }
    },
    async close() {
      clearTimeout(unreachableTimer);
      await reporter.flush().catch(() => undefined);
      reporter.close();
      remoteLog.close();
      await forwarder.close();
      link.close();
    },
  };
}
