/**
 * The classroom's limits and defaults, each in one place with its reason (docs/workshop.md).
 * Per-learner limits keep one runaway script from starving the room; per-address limits are
 * generous because a venue may put every learner behind one NAT address.
 */

/** Default HTTP and join-forward port. Above 1024, so no privileges are needed. */
export const DEFAULT_PORT = 7070;

/** Learners a roster may hold: the dashboard stays readable and one process serves them all. */
export const MAX_LEARNERS = 500;

/** Longest learner name, in characters: a slip and a grid row stay one line. */
export const MAX_NAME_LENGTH = 80;

/** Simultaneous POP3 connections per learner (lessons use one or two; a fetcher a few). */
export const LEARNER_CONNECTIONS = 12;

/** New POP3 connections per learner per second, and the burst allowed above it. */
export const LEARNER_CONNECT_RATE = { perSecond: 5, burst: 30 } as const;

/**
 * Learner API requests per second, and the burst: a REPL asks for the log's head after each
 * evaluation that talked to the sandbox, and a pasted solution runs dozens of lines a second.
 */
export const LEARNER_REQUEST_RATE = { perSecond: 50, burst: 200 } as const;

/**
 * Simultaneous TCP connections from one address, as a multiple of the roster: each learner
 * holds an event stream, a request connection and a few POP3 forwards, and a venue NAT may
 * put the whole room behind one address (at least 4x the roster, by the workshop spec).
 */
export const PER_ADDRESS_FACTOR = 8;

/** The per-address cap never goes below this, so a small class can still run tools beside it. */
export const MIN_PER_ADDRESS = 64;

/** Simultaneous TCP connections in all, as a multiple of the roster, plus a margin. */
export const TOTAL_CONNECTION_FACTOR = 20;

/** Largest request body: a progress file of every lesson is a few kilobytes. */
export const MAX_BODY_BYTES = 256 * 1024;

/** How long a request may take to send its headers and body before it is cut. */
export const REQUEST_TIMEOUT_MS = 15_000;

/** Wrong join codes from one address before answers slow down, and the slowest answer. */
export const WRONG_CODE_FREE_TRIES = 3;
export const WRONG_CODE_MAX_DELAY_MS = 4_000;
/** A quiet address is forgiven its wrong codes after this long. */
export const WRONG_CODE_FORGET_MS = 10 * 60_000;

/** Another device may take over a join code once the holder has been silent this long. */
export const DEVICE_TAKEOVER_MS = 60_000;

/** A comment line on every event stream this often, so proxies and NATs keep it open. */
export const HEARTBEAT_MS = 15_000;

/** Dashboard updates are gathered for this long, then sent together (the target is < 1 s). */
export const DASHBOARD_BATCH_MS = 200;

/** Session-log entries kept per learner; the event stream resumes from any of them. */
export const LEARNER_LOG_LIMIT = 5_000;

/** Log lines shown with a stuck learner. */
export const LOG_TAIL_LINES = 14;

/** Failed `.check`s on one goal that put a learner in the stuck queue. */
export const STUCK_FAILED_CHECKS = 3;

/** Default minutes without activity, mid-lesson, before a learner counts as stuck. */
export const DEFAULT_IDLE_MINUTES = 5;

/** Errors kept per learner for the dashboard. */
export const ERRORS_KEPT = 20;

/** How long the activity file may lag behind memory (it is rewritten at most this often). */
export const ACTIVITY_SAVE_MS = 2_000;

/** A learner with no event stream for this long shows as offline. */
export const OFFLINE_AFTER_MS = 5_000;
