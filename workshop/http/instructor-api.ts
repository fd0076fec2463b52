import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { timingSafeEqual } from 'node:crypto';
import type { FaultSpec } from '../../src/protocol';
import { parseFaultSpec } from '../../src/protocol';
import type { Classroom } from '../classroom';
import { HttpRefusal } from '../errors';
import { exportCsv, exportJson } from '../export';
import type { LearnerRuntime } from '../learner';
import { slipsHtml } from '../slips';
import type { DashboardFeed } from './dashboard-feed';
import { openEventStream } from './event-stream';
import { bearer, cookie, readJsonBody, sendBody, sendJson } from './respond';

/** Cookie names: set by the instructor and room-view links, sent back by the pages' requests. */
export const INSTRUCTOR_COOKIE = 'pop3_instructor';
export const ROOM_COOKIE = 'pop3_room';

/** Who a request speaks for. */
export type Role = 'instructor' | 'room';

function sameSecret(given: string | undefined, secret: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Checks that a request may act as `role`: the instructor token (a cookie set by the
 * instructor link, or `Authorization: Bearer`) for everything; the room token for the room
 * view only. A request a browser made from another origin is refused (`Origin`,
 * `Sec-Fetch-Site`), and a state-changing request that carries its token in a cookie must
 * name our origin, so no other page can act with the instructor's cookie.
 * @throws HttpRefusal 401 `NO_TOKEN` or 403 `BAD_ORIGIN`.
 */
export function authorize(req: IncomingMessage, classroom: Classroom, role: Role): void {
  const origin = req.headers.origin;
  const own = `${(req.socket as TLSSocket).encrypted ? 'https' : 'http'}://${req.headers.host ?? ''}`;
  if ((origin !== undefined && origin !== own) || req.headers['sec-fetch-site'] === 'cross-site') {
    throw new HttpRefusal(403, 'BAD_ORIGIN', `requests from ${origin ?? 'another site'} are refused; open the dashboard from the URL the classroom printed`);
  }
  const header = bearer(req);
  const settings = classroom.settings;
  const instructor = sameSecret(header, settings.instructorToken) || sameSecret(cookie(req, INSTRUCTOR_COOKIE), settings.instructorToken);
  const room = role === 'room' && (sameSecret(header, settings.roomToken) || sameSecret(cookie(req, ROOM_COOKIE), settings.roomToken));
  if (!instructor && !room) {
    throw new HttpRefusal(401, 'NO_TOKEN', 'open the instructor (or room view) URL that `npm run workshop -- serve` printed');
  }
  if (req.method !== 'GET' && header === undefined && origin === undefined) {
    throw new HttpRefusal(403, 'BAD_ORIGIN', 'a change needs an Origin header (browsers send one) or Authorization: Bearer TOKEN');
  }
}

/**
 * The instructor's API under `/api/instructor/` and the room view's under `/api/room/`: the
 * live feeds, the actions (reset, skip-ahead, pacing, faults, hands, codes, names on the room
 * view) and the exports. Nothing here returns a password; only the slips carry join codes.
 */
export class InstructorApi {
  readonly #classroom: Classroom;
  readonly #feed: DashboardFeed;
  readonly #joinUrl: () => string;

  constructor(classroom: Classroom, feed: DashboardFeed, joinUrl: () => string) {
    this.#classroom = classroom;
    this.#feed = feed;
    this.#joinUrl = joinUrl;
  }

  /** Handles `/api/room/<route>`. @throws HttpRefusal. */
  async room(req: IncomingMessage, res: ServerResponse, route: string): Promise<void> {
    authorize(req, this.#classroom, 'room');
    if (route !== 'events' || req.method !== 'GET') throw new HttpRefusal(404, 'NOT_FOUND', 'the room view has one route: GET /api/room/events');
    const stream = openEventStream(req, res);
    this.#feed.addRoom(stream);
    await stream.closed;
  }

  /** Handles `/api/instructor/<route>`. @throws HttpRefusal. */
  async handle(req: IncomingMessage, res: ServerResponse, route: string): Promise<void> {
    const classroom = this.#classroom;
    authorize(req, classroom, 'instructor');
    if (req.method === 'GET') {
      switch (route) {
        case 'events': {
          const stream = openEventStream(req, res);
          await this.#feed.addDashboard(stream);
          await stream.closed;
          return;
        }
        case 'export.json':
          sendBody(res, 200, 'application/json; charset=utf-8', `${JSON.stringify(exportJson(classroom), null, 2)}\n`, { 'content-disposition': 'attachment; filename="workshop-results.json"' });
          return;
        case 'export.csv':
          sendBody(res, 200, 'text/csv; charset=utf-8', exportCsv(classroom), { 'content-disposition': 'attachment; filename="workshop-results.csv"' });
          return;
        case 'slips':
          sendBody(res, 200, 'text/html; charset=utf-8', slipsHtml('pop3-playground workshop', this.#joinUrl(), classroom.learners.map((l) => l.entry)), {
            'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
          });
          return;
        default:
          throw new HttpRefusal(404, 'NOT_FOUND', `no instructor route GET ${route}`);
      }
    }
    if (req.method !== 'POST') throw new HttpRefusal(405, 'METHOD', 'use GET or POST');
    const body = await readJsonBody(req);
    const learnerAction = /^learners\/([a-z0-9-]{1,40})\/([a-z-]+)$/.exec(route);
    if (learnerAction) {
      const learner = classroom.learner(learnerAction[1]!);
      if (!learner) throw new HttpRefusal(404, 'NO_SUCH_LEARNER', `no learner ${learnerAction[1]!}`);
      sendJson(res, 200, await this.#learnerAction(learner, learnerAction[2]!, body));
      return;
    }
    switch (route) {
      case 'release': {
        const upTo = body.upTo;
        if (upTo === null) classroom.release({ mode: 'self-paced' });
        else if (typeof upTo === 'number') classroom.release({ mode: 'paced', upTo });
        else throw new HttpRefusal(400, 'BAD_REQUEST', 'release takes { "upTo": N } or { "upTo": null } for self-paced');
        sendJson(res, 200, { release: classroom.settings.release });
        return;
      }
      case 'fault':
        await classroom.setInstructorFault(faultFrom(body.fault));
        sendJson(res, 200, { ok: true });
        return;
      case 'room-names':
        classroom.setHideNames(body.hide === true);
        sendJson(res, 200, { hideNames: classroom.settings.hideNames });
        return;
      default:
        throw new HttpRefusal(404, 'NOT_FOUND', `no instructor route POST ${route}`);
    }
  }

  async #learnerAction(learner: LearnerRuntime, action: string, body: Record<string, unknown>): Promise<unknown> {
    const classroom = this.#classroom;
    switch (action) {
      case 'reset':
        await classroom.resetLearner(learner);
        return { ok: true };
      case 'goto':
        await classroom.goToLesson(learner, Number(body.lesson));
        return { ok: true };
      case 'lower-hand':
        classroom.lowerHand(learner);
        return { ok: true };
      case 'fault':
        await classroom.setInstructorFault(faultFrom(body.fault), learner);
        return { ok: true };
      case 'new-code':
        return { code: classroom.replaceCode(learner) };
      default:
        throw new HttpRefusal(404, 'NOT_FOUND', `no learner action ${action}`);
    }
  }
}

/** A fault in the `--fault` form ("delay=500"), or off ("" or null). @throws HttpRefusal 400 naming the problem. */
function faultFrom(raw: unknown): FaultSpec | undefined {
  if (raw === null || raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw new HttpRefusal(400, 'BAD_FAULT', 'fault takes the --fault form, e.g. "delay=500" or "fail=RETR"; "" switches it off');
  try {
    return parseFaultSpec(raw);
  } catch (error) {
    throw new HttpRefusal(400, 'BAD_FAULT', (error as Error).message);
  }
}
