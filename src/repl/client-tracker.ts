import type { TranscriptEntry } from '../protocol/transcript';
import type { SessionState } from '../protocol/states';
import { KEYWORDS, REDACTED } from '../protocol/commands';
import type { CallRecord } from '../tutor';
import { redactRawLine } from './raw-session';

/** What the REPL needs of a client: enough to close it, to name it and to show raw replies. */
export interface ReplClient {
  readonly greeting: string;
  readonly state: SessionState;
  /** The trace session id, e.g. `c2`. */
  readonly session: string;
  readonly host: string;
  /** The name sent with USER, APOP or AUTH, once sent. */
  readonly userName: string | undefined;
  send(line: string): Promise<ReplReply>;
  quit(): Promise<unknown>;
  close(): void;
}

/** The parts of a reply the raw mode prints. */
export interface ReplReply {
  ok: boolean;
  status: string;
  line: string;
  body?: Buffer;
}

/** The connection options the REPL adds to every connect: trace and cancellation. */
export interface TrackedConnectOptions {
  trace?: boolean | ((entry: TranscriptEntry) => void);
  signal?: AbortSignal;
}

/** The client's connect, as the REPL receives it. */
export type ConnectFunction<C extends ReplClient = ReplClient, O extends object = Record<string, unknown>> = (options: O & TrackedConnectOptions) => Promise<C>;

/** Where a connection was opened: at the prompt (`connect(...)`) or by `.raw`. */
export type ClientOrigin = 'prompt' | 'raw';

/** Options of {@link createClientTracker}. */
export interface ClientTrackerOptions<C extends ReplClient, O extends object> {
  connect: ConnectFunction<C, O>;
  /** Every trace entry of every tracked client, with where the client came from. */
  onTrace(entry: TranscriptEntry, origin: ClientOrigin): void;
  /** Called once per client created. */
  onClient?(origin: ClientOrigin): void;
  /**
   * Where the results of the prompt's client calls go (connect, every method of a client it
   * made, and client exports in scope): `start` numbers a call as it begins, `settle` gets what
   * it resolved or rejected with.
   */
  calls?: { start(): number; settle(record: CallRecord): void };
  /** The accounts' passwords, so an APOP digest that is one of them is recorded as such (never as itself). */
  passwords?: readonly string[];
}

/** Arguments that are secrets, by method: replaced by `***` in the recorded call. */
const SECRET_ARGS: Readonly<Record<string, readonly number[]>> = { pass: [0], apop: [1], auth: [1] };
/** Methods not recorded: they settle nothing a learner reads. */
const UNRECORDED = new Set(['constructor', 'close']);

/** A connection the tracker opened: its own abort controller, and the calls waiting on it. */
interface Tracked {
  readonly controller: AbortController;
  /** `host:port`, for a connect still in progress. */
  readonly address: string;
  /** The commands of calls made and not yet settled, oldest first (`RETR 3`). */
  readonly waiting: string[];
}

/**
 * Wraps the client's connect so every client the REPL creates is known (and closed on
 * `.next`, `.lesson`, `.reset` and exit, so no forgotten session holds a maildrop lock), is
 * traced, and has an abort controller of its own: Ctrl-C during a pending await closes only
 * the clients something waits on ({@link abort}).
 */
export class ClientTracker<C extends ReplClient, O extends object> {
  readonly #options: ClientTrackerOptions<C, O>;
  readonly #clients = new Map<C, Tracked>();
  /** Connects still in progress. */
  readonly #connecting = new Set<Tracked>();
  #controller = new AbortController();
  /** Counts closeAll calls, so a connect that outlives one is closed when it lands. */
  #generation = 0;
  /** Promises returned by recorded calls, with the call, so a forgotten `await` can be named. */
  readonly #pending = new WeakMap<object, string>();

  constructor(options: ClientTrackerOptions<C, O>) {
    this.#options = options;
  }

  /** Aborted by the next Ctrl-C (an evaluation or a command's work races it); replaced after each {@link abort}. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Clients still open. */
  get open(): number {
    return [...this.#clients.keys()].filter((c) => c.state !== 'CLOSED').length;
  }

  /** The connect learners call: their options plus the REPL's trace and signal. */
  connect(options: O & TrackedConnectOptions, origin: ClientOrigin = 'prompt'): Promise<C> {
    const generation = this.#generation;
    const own = options?.trace;
    const trace = (entry: TranscriptEntry): void => {
      this.#options.onTrace(entry, origin);
      if (typeof own === 'function') own(entry);
    };
    const { host = 'localhost', port = '?' } = (options ?? {}) as { host?: string; port?: number };
    const tracked: Tracked = { controller: new AbortController(), address: `${host}:${port}`, waiting: [] };
    const signal = options?.signal ? AbortSignal.any([options.signal, tracked.controller.signal]) : tracked.controller.signal;
    this.#connecting.add(tracked);
    const connected = this.#options.connect({ ...options, trace, signal });
    const connecting = connected.finally(() => this.#connecting.delete(tracked)).then((client) => {
      // A connect nobody awaited that finishes after closeAll (a lesson change, the REPL's
      // exit) would otherwise keep its session open until the server's autologout.
      if (generation !== this.#generation) {
        client.close();
        return client;
      }
      this.#clients.set(client, tracked);
      if (origin === 'prompt') this.#instrument(client, tracked.waiting);
      this.#options.onClient?.(origin);
      return client;
    });
    return origin === 'prompt' ? this.#recorded('connect', [options], connecting) : connecting;
  }

  /** A client export (e.g. `fetchNew`) whose calls are recorded like a client's methods. */
  recordedExport<F>(name: string, fn: F): F {
    if (typeof fn !== 'function') return fn;
    const tracker = this;
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      const result: unknown = Reflect.apply(fn, this, args);
      return isThenable(result) ? tracker.#recorded(name, args, result) : result;
    };
    Object.defineProperty(wrapped, 'name', { value: name });
    return wrapped as F;
  }

  /** The call a pending promise came from (`retr(1)`), when it is one the tracker recorded. */
  describePending(value: unknown): string | undefined {
    return typeof value === 'object' && value !== null ? this.#pending.get(value) : undefined;
  }

  /**
   * Records what each of a client's methods settles with, by wrapping them on the instance (no
   * Proxy), and keeps the commands of the calls not yet settled in `waiting`.
   */
  #instrument(client: C, waiting: string[]): void {
    const names = new Set<string>();
    for (let proto = Object.getPrototypeOf(client) as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
      for (const name of Object.getOwnPropertyNames(proto)) {
        if (!UNRECORDED.has(name) && typeof Object.getOwnPropertyDescriptor(proto, name)?.value === 'function') names.add(name);
      }
    }
    for (const name of names) {
      const method = (client as unknown as Record<string, (...args: unknown[]) => unknown>)[name];
      if (typeof method !== 'function') continue;
      Object.defineProperty(client, name, {
        configurable: true,
        writable: true,
        enumerable: false,
        value: (...args: unknown[]): unknown => {
          const state = client.state;
          const result = method.apply(client, args);
          if (!isThenable(result)) return result;
          const command = commandOf(name, redactArgsOf(name, args, this.#options.passwords ?? []));
          waiting.push(command);
          const settled = (): void => void waiting.splice(waiting.indexOf(command), 1);
          result.then(settled, settled);
          return this.#recorded(name, args, result, state);
        },
      });
    }
  }

  /** Numbers a call now and records what `result` settles with; returns the promise to hand back. */
  #recorded<T>(call: string, args: readonly unknown[], result: PromiseLike<T>, state?: string): Promise<T> {
    const calls = this.#options.calls;
    const shownArgs = redactArgsOf(call, args, this.#options.passwords ?? []);
    const seq = calls?.start();
    const base = { seq: seq ?? 0, call, args: shownArgs, time: Date.now(), ...(state !== undefined ? { state } : {}) };
    // A new promise that settles as the call does: a rejection nobody awaits still shows as one.
    const promise = Promise.resolve(result).then(
      (value) => {
        calls?.settle({ ...base, ok: true, value });
        return value;
      },
      (error: unknown) => {
        calls?.settle({ ...base, ok: false, value: error });
        throw error;
      },
    );
    this.#pending.set(promise, `${call}(${shownArgs.map(showArgument).join(', ')})`);
    return promise;
  }

  /**
   * Ctrl-C during a pending await: cancels the connects in progress and closes the clients with
   * a call in flight or queued (without QUIT, RFC 1939 §6); idle clients stay open. Aborts
   * {@link signal} and arms a fresh one.
   * @returns What was closed, a line each: `closed c2: alice@127.0.0.1, waiting for RETR 3`.
   */
  abort(reason: unknown): string[] {
    const closed: string[] = [];
    for (const tracked of [...this.#connecting]) {
      tracked.controller.abort(reason);
      closed.push(`cancelled the connect to ${tracked.address}`);
    }
    for (const [client, tracked] of [...this.#clients]) {
      const command = tracked.waiting[0];
      if (client.state === 'CLOSED') this.#clients.delete(client);
      if (client.state === 'CLOSED' || command === undefined) continue;
      tracked.controller.abort(reason);
      this.#clients.delete(client);
      closed.push(`closed ${client.session}: ${client.userName ?? '(no user yet)'}@${client.host}, waiting for ${command}`);
    }
    const old = this.#controller;
    this.#controller = new AbortController();
    old.abort(reason);
    return closed;
  }

  /** Closes every client without QUIT: marked deletions are not applied (RFC 1939 §6). */
  closeAll(): number {
    this.#generation++;
    let closed = 0;
    for (const client of this.#clients.keys()) {
      if (client.state !== 'CLOSED') {
        closed++;
        try {
          client.close();
        } catch {
          // Already gone.
        }
      }
    }
    this.#clients.clear();
    return closed;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** The command a call sends, as the trace shows it (`RETR 3`, `PASS ***`); other calls as made (`retrStream(3)`). */
function commandOf(call: string, shownArgs: readonly unknown[]): string {
  if (call === 'send' && typeof shownArgs[0] === 'string') return shownArgs[0];
  const keyword = call.toUpperCase();
  if (!(KEYWORDS as readonly string[]).includes(keyword)) return `${call}(${shownArgs.map(showArgument).join(', ')})`;
  // The arguments on the wire come first; an options object after them is not sent.
  const end = shownArgs.findIndex((a) => typeof a !== 'number' && typeof a !== 'string');
  return [keyword, ...shownArgs.slice(0, end === -1 ? undefined : end)].join(' ');
}

/** A call's arguments as recorded: secrets `***`, a raw line redacted as raw mode records it. */
function redactArgsOf(call: string, args: readonly unknown[], passwords: readonly string[]): unknown[] {
  if (call === 'send' && typeof args[0] === 'string') return [redactRawLine(args[0], passwords), ...args.slice(1)];
  const secret = SECRET_ARGS[call] ?? [];
  return args.map((arg, i) => (secret.includes(i) ? REDACTED : redactObject(arg)));
}

/** An options object with its password-like fields as `***`. */
function redactObject(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const entries = Object.entries(value).map(([k, v]) => [k, /pass|secret/i.test(k) ? REDACTED : v] as const);
  return Object.fromEntries(entries);
}

/** An argument as a call is named in a hint: numbers and short strings as typed, anything else elided. */
function showArgument(arg: unknown): string {
  if (typeof arg === 'number') return String(arg);
  if (typeof arg === 'string' && arg.length <= 20) return JSON.stringify(arg);
  return '…';
}
