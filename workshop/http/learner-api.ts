import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { FaultSpec } from '../../src/protocol';
import type { LessonStartState } from '../../src/tutor';
import { parseProgress } from '../../src/tutor';
import type { Classroom } from '../classroom';
import { HttpRefusal } from '../errors';
import { WrongCodeThrottle } from '../join-codes';
import type { LearnerRuntime } from '../learner';
import { LEARNER_CONNECTIONS } from '../limits';
import { openEventStream } from './event-stream';
import { runForwardedSession } from './pop3-forward';
import { bearer, readJsonBody, sendJson } from './respond';

/** Wrong-code answers one address may have waiting at once; more are refused at once. */
const MAX_DELAYED_PER_ADDRESS = 16;
/** How long `settle` waits for a learner's sessions to close. */
const SETTLE_TIMEOUT_MS = 2_000;

/**
 * The learner side of the HTTP API (docs/workshop.md, "The learner API"): everything under
 * `/api/learner/`, over TLS only, authenticated by the join code (`Authorization: Bearer CODE`),
 * each request acting on that code's learner alone.
 */
export class LearnerApi {
  readonly #classroom: Classroom;
  readonly #throttle = new WrongCodeThrottle();
  readonly #delayed = new Map<string, number>();

  readonly #onError: (error: unknown) => void;

  /** @param onError told of an unexpected failure (the classroom logs it). */
  constructor(classroom: Classroom, onError: (error: unknown) => void = () => undefined) {
    this.#classroom = classroom;
    this.#onError = onError;
  }

  /** Handles a request under `/api/learner/`. @throws HttpRefusal. */
  async handle(req: IncomingMessage, res: ServerResponse, route: string, url: URL): Promise<void> {
    const learner = await this.authenticate(req);
    if (!learner.requestRate.take()) throw new HttpRefusal(429, 'SLOW_DOWN', 'too many requests from this join code; wait a moment', learner.requestRate.retryAfterSeconds());
    const classroom = this.#classroom;
    const post = req.method === 'POST';
    if (route === 'join' && post) {
      const body = await readJsonBody(req);
      const device = typeof body.device === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(body.device) ? body.device : undefined;
      if (!device) throw new HttpRefusal(400, 'BAD_REQUEST', 'join needs a device id: 8-64 letters, digits, _ or -');
      sendJson(res, 200, { ...classroom.join(learner, device), logNext: learner.logCount });
      return;
    }
    if (route === 'events' && req.method === 'GET') {
      await this.#events(req, res, learner, url);
      return;
    }
    if (route === 'log-head' && req.method === 'GET') {
      await learner.sandbox();
      sendJson(res, 200, { next: learner.logCount });
      return;
    }
    if (!post) throw new HttpRefusal(404, 'NOT_FOUND', `no learner route ${req.method ?? ''} ${route}`);
    const body = await readJsonBody(req);
    switch (route) {
      case 'state':
        await classroom.applyState(learner, startState(body.state));
        sendJson(res, 200, { ok: true });
        return;
      case 'faults':
        await classroom.setLessonFaults(learner, body.faults === null || body.faults === undefined ? undefined : faultSpec(body.faults));
        sendJson(res, 200, { ok: true });
        return;
      case 'settle':
        await learner.settled(SETTLE_TIMEOUT_MS);
        sendJson(res, 200, { next: learner.logCount });
        return;
      case 'progress': {
        const progress = parseProgress(JSON.stringify(body.progress ?? null), 'the progress report');
        classroom.reportProgress(learner, progress);
        sendJson(res, 200, { ok: true });
        return;
      }
      case 'activity':
        classroom.reportActivity(learner, {
          ...(typeof body.lesson === 'string' ? { lesson: body.lesson.slice(0, 100) } : {}),
          evaluations: typeof body.evaluations === 'number' && body.evaluations >= 0 ? Math.min(Math.floor(body.evaluations), 1000) : 0,
          mistakes: strings(body.mistakes, 20, 100),
          errors: strings(body.errors, 20, 300),
        });
        sendJson(res, 200, { ok: true });
        return;
      case 'help': {
        const message = typeof body.message === 'string' ? body.message.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, 280) : '';
        classroom.raiseHand(learner, message);
        sendJson(res, 200, { ok: true });
        return;
      }
      default:
        throw new HttpRefusal(404, 'NOT_FOUND', `no learner route POST ${route}`);
    }
  }

  /**
   * A learner's POP3 forward: `GET /api/learner/pop3[?tls=implicit]` with `Upgrade: pop3`,
   * answered `101 Switching Protocols`, after which the connection carries POP3 to their
   * sandbox. Refusals are ordinary HTTP answers, then the connection is closed.
   */
  async upgrade(req: IncomingMessage, socket: Socket, head: Buffer, url: URL): Promise<void> {
    const refuse = (refusal: HttpRefusal): void => {
      const body = JSON.stringify({ error: { code: refusal.code, message: refusal.message } });
      socket.end(`HTTP/1.1 ${refusal.status} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    };
    try {
      if (url.pathname !== '/api/learner/pop3' || (req.headers.upgrade ?? '').toLowerCase() !== 'pop3') throw new HttpRefusal(404, 'NOT_FOUND', 'the POP3 forward is GET /api/learner/pop3 with Upgrade: pop3');
      if (!(socket as TLSSocket).encrypted) throw new HttpRefusal(403, 'TLS_REQUIRED', 'the POP3 forward runs over TLS only');
      const learner = await this.authenticate(req);
      if (learner.connections >= LEARNER_CONNECTIONS) {
        throw new HttpRefusal(429, 'TOO_MANY_CONNECTIONS', `${LEARNER_CONNECTIONS} POP3 connections are open already; close some (await pop.quit())`, 1);
      }
      if (!learner.connectRate.take()) throw new HttpRefusal(429, 'SLOW_DOWN', 'too many new POP3 connections; wait a moment', learner.connectRate.retryAfterSeconds());
      socket.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: pop3\r\nconnection: Upgrade\r\n\r\n');
      if (head.length > 0) socket.unshift(head);
      await runForwardedSession(this.#classroom, learner, socket, url.searchParams.get('tls') === 'implicit');
    } catch (error) {
      if (error instanceof HttpRefusal) refuse(error);
      else {
        this.#onError(error);
        socket.destroy();
      }
    }
  }

  /** The learner a request's join code names; wrong codes are answered slowly per address. @throws HttpRefusal 401/409/429. */
  async authenticate(req: IncomingMessage): Promise<LearnerRuntime> {
    if (!(req.socket as TLSSocket).encrypted) throw new HttpRefusal(403, 'TLS_REQUIRED', 'the learner API runs over TLS only; the REPL does this for you (npm start -- --join URL --code CODE)');
    const address = req.socket.remoteAddress ?? 'unknown';
    try {
      return this.#classroom.byCode(bearer(req) ?? '');
    } catch (error) {
      const waiting = this.#delayed.get(address) ?? 0;
      if (waiting >= MAX_DELAYED_PER_ADDRESS) throw new HttpRefusal(429, 'SLOW_DOWN', 'too many wrong join codes from this address; wait a few seconds', 5);
      const delay = this.#throttle.delayFor(address);
      this.#throttle.failed(address);
      if (delay > 0) {
        this.#delayed.set(address, waiting + 1);
        await new Promise((resolve) => setTimeout(resolve, delay));
        const left = (this.#delayed.get(address) ?? 1) - 1;
        if (left <= 0) this.#delayed.delete(address);
        else this.#delayed.set(address, left);
      }
      throw error;
    }
  }

  async #events(req: IncomingMessage, res: ServerResponse, learner: LearnerRuntime, url: URL): Promise<void> {
    const lastId = req.headers['last-event-id'];
    const resume = typeof lastId === 'string' && /^\d+$/.test(lastId) ? Number(lastId) + 1 : undefined;
    const fromParam = url.searchParams.get('from');
    // Indexes from another run of the classroom mean nothing now: resume from this run's first entry.
    const sameRun = url.searchParams.get('epoch') === this.#classroom.epoch;
    const asked = resume ?? (fromParam !== null && /^\d+$/.test(fromParam) ? Number(fromParam) : undefined);
    const from = asked === undefined ? undefined : sameRun || resume !== undefined ? asked : 0;
    const stream = openEventStream(req, res);
    stream.send('hello', this.#classroom.joinInfo(learner));
    const unsubscribe = await this.#classroom.subscribe(learner, from, (event) => {
      if (event.type === 'entry') stream.send('entry', event.entry, String(event.index));
      else stream.send('control', event.data);
    });
    await stream.closed;
    unsubscribe();
  }
}

/** A lesson start state from JSON, checked for shape (the sandbox checks names and faults). @throws HttpRefusal 400. */
function startState(raw: unknown): LessonStartState | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) throw new HttpRefusal(400, 'BAD_STATE', 'state must be an object: { mailboxes?, faults?, accountFaults? }');
  const state: { mailboxes?: Record<string, 'seed' | string[]>; faults?: FaultSpec; accountFaults?: Record<string, FaultSpec> } = {};
  if (raw.mailboxes !== undefined) {
    if (!isRecord(raw.mailboxes)) throw new HttpRefusal(400, 'BAD_STATE', 'state.mailboxes must map account names to "seed" or a list of seed message names');
    state.mailboxes = {};
    for (const [account, value] of Object.entries(raw.mailboxes)) {
      if (value === 'seed' || (Array.isArray(value) && value.length <= 100 && value.every((v) => typeof v === 'string'))) state.mailboxes[account] = value as 'seed' | string[];
      else throw new HttpRefusal(400, 'BAD_STATE', `state.mailboxes.${account} must be "seed" or a list of seed message names`);
    }
  }
  if (raw.faults !== undefined) state.faults = faultSpec(raw.faults);
  if (raw.accountFaults !== undefined) {
    if (!isRecord(raw.accountFaults)) throw new HttpRefusal(400, 'BAD_STATE', 'state.accountFaults must map account names to fault specs');
    state.accountFaults = {};
    for (const [account, spec] of Object.entries(raw.accountFaults)) state.accountFaults[account] = faultSpec(spec);
  }
  return state;
}

function faultSpec(raw: unknown): FaultSpec {
  if (!isRecord(raw)) throw new HttpRefusal(400, 'BAD_STATE', 'a fault spec must be an object such as { "delayMs": 200 }');
  return raw as FaultSpec;
}

function strings(raw: unknown, most: number, longest: number): string[] {
  return Array.isArray(raw) ? raw.filter((v): v is string => typeof v === 'string').slice(0, most).map((v) => v.slice(0, longest)) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
