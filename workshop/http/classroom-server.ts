import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Classroom } from '../classroom';
import { HttpRefusal, WorkshopError } from '../errors';
import { CodedError } from '../../src/protocol/errors';
import { MIN_PER_ADDRESS, PER_ADDRESS_FACTOR, REQUEST_TIMEOUT_MS, TOTAL_CONNECTION_FACTOR } from '../limits';
import { CountLimit } from '../rate-limit';
import type { InstallBundle } from '../install';
import { DashboardFeed } from './dashboard-feed';
import { INSTRUCTOR_COOKIE, InstructorApi, ROOM_COOKIE, authorize } from './instructor-api';
import { LearnerApi } from './learner-api';
import { redirect, sendBody, sendPage, sendRefusal } from './respond';

const PAGES = path.join(__dirname, '..', 'pages');

/** Errors from the parts below that mean "your request was wrong", not "the classroom failed". */
const CLIENT_ERROR_CODES = new Set(['BAD_OPTION', 'UNKNOWN_SEED_MESSAGE', 'UNKNOWN_ACCOUNT', 'PROGRESS_FILE', 'INVALID_ARGUMENT']);

/** Options of {@link startClassroomServer}. */
export interface ClassroomServerOptions {
  classroom: Classroom;
  host: string;
  port: number;
  /** The server certificate and key for the TLS side (the classroom's CA signed it). */
  tls: { key: string; cert: string };
  /** The base URL learners join with (printed on slips). */
  joinUrl: (port: number) => string;
  /** Simultaneous connections from one address; default {@link PER_ADDRESS_FACTOR} x the roster, at least {@link MIN_PER_ADDRESS}. */
  perAddressCap?: number;
  /** The offline install (`/install`), when it was prepared. */
  install?: InstallBundle;
  /** Called with an unexpected failure (logged by the CLI). */
  onError?: (error: unknown) => void;
}

/** A running classroom HTTP side. */
export interface ClassroomServer {
  readonly port: number;
  readonly perAddressCap: number;
  close(): Promise<void>;
}

/**
 * The classroom's one port: plain HTTP and TLS told apart by the first byte (a TLS handshake
 * starts with 0x16), so learners, the dashboard and the install share one address. Plain HTTP
 * serves the pages, `/ca.pem` and `/install`; the learner API and the POP3 forward refuse
 * anything but TLS. Connections are capped per address and in all.
 */
export async function startClassroomServer(options: ClassroomServerOptions): Promise<ClassroomServer> {
  const { classroom } = options;
  const roster = classroom.learners.length;
  const perAddressCap = options.perAddressCap ?? Math.max(MIN_PER_ADDRESS, PER_ADDRESS_FACTOR * roster);
  const totalCap = TOTAL_CONNECTION_FACTOR * roster + MIN_PER_ADDRESS;
  const perAddress = new CountLimit(perAddressCap);
  const sockets = new Set<net.Socket>();
  const feed = new DashboardFeed(classroom);
  const learners = new LearnerApi(classroom, (error) => options.onError?.(error));
  let joinUrl = '';
  const instructor = new InstructorApi(classroom, feed, () => joinUrl);
  const assets = loadAssets();

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    route(req, res).catch((error: unknown) => {
      if (error instanceof HttpRefusal) sendRefusal(res, error);
      else if (error instanceof CodedError && CLIENT_ERROR_CODES.has(error.code)) sendRefusal(res, new HttpRefusal(400, error.code, error.message));
      else {
        options.onError?.(error);
        sendRefusal(res, new HttpRefusal(500, 'INTERNAL', 'the classroom failed to answer this request; it has been logged'));
      }
    });
  };

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = requestUrl(req);
    const p = url.pathname;
    if (p.startsWith('/api/learner/')) return learners.handle(req, res, p.slice('/api/learner/'.length), url);
    if (p.startsWith('/api/instructor/')) return instructor.handle(req, res, p.slice('/api/instructor/'.length));
    if (p.startsWith('/api/room/')) return instructor.room(req, res, p.slice('/api/room/'.length));
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpRefusal(405, 'METHOD', 'use GET');
    const link = /^\/([ir])\/([A-Za-z0-9_-]{20,100})$/.exec(p);
    if (link) {
      // The link's token goes into a cookie and out of the address bar, so a projected or shared screen never shows it.
      const [name, target] = link[1] === 'i' ? [INSTRUCTOR_COOKIE, '/dashboard'] : [ROOM_COOKIE, '/room'];
      return redirect(res, target, { 'set-cookie': `${name}=${link[2]!}; Path=/; HttpOnly; SameSite=Strict` });
    }
    if (p === '/dashboard' || p === '/room') {
      authorize(req, classroom, p === '/dashboard' ? 'instructor' : 'room');
      return sendPage(res, assets.get(p === '/dashboard' ? 'dashboard.html' : 'room.html')!.toString('utf8'));
    }
    const asset = /^\/assets\/([a-z-]+\.(?:js|css))$/.exec(p);
    if (asset && assets.has(asset[1]!)) {
      return sendBody(res, 200, asset[1]!.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8', assets.get(asset[1]!)!);
    }
    if (p === '/favicon.ico') return sendBody(res, 204, 'image/x-icon', '');
    if (p === '/ca.pem') return sendBody(res, 200, 'application/x-pem-file', classroom.certificates.ca);
    if (p === '/') return sendBody(res, 200, 'text/plain; charset=utf-8', `pop3-playground classroom.\nJoin from the playground folder: npm start -- --join ${joinUrl} --code YOUR-CODE\nNo playground yet? ${new URL('/install', joinUrl).href}\n`);
    if (p.startsWith('/install')) {
      if (!options.install) throw new HttpRefusal(404, 'NO_INSTALL', 'this classroom was started without the offline install (--no-install)');
      return options.install.serve(req, res, p, joinUrl);
    }
    throw new HttpRefusal(404, 'NOT_FOUND', `nothing at ${p}`);
  }

  const plain = http.createServer({ requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS }, handler);
  const secure = https.createServer({ key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2', requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS }, handler);
  // A failed handshake (a browser that does not trust the CA, a scanner) is the client's business.
  secure.on('tlsClientError', (_error, socket) => socket.destroy());
  for (const server of [plain, secure]) {
    server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      socket.on('error', () => undefined);
      let url: URL;
      try {
        url = requestUrl(req);
      } catch {
        socket.destroy();
        return;
      }
      void learners.upgrade(req, socket, head, url);
    });
    server.on('clientError', (_error, socket) => socket.destroy());
  }

  const listener = net.createServer({ allowHalfOpen: false }, (socket) => {
    socket.on('error', () => undefined);
    const address = socket.remoteAddress ?? 'unknown';
    if (sockets.size >= totalCap || !perAddress.acquire(address)) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      perAddress.release(address);
    });
    // A connection that never says anything is cut like a request that never ends.
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy());
    socket.once('readable', () => {
      const first = socket.read(1) as Buffer | null;
      if (first === null) return;
      socket.setTimeout(0);
      socket.unshift(first);
      (first[0] === 0x16 ? secure : plain).emit('connection', socket);
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    listener.once('error', (error: NodeJS.ErrnoException) =>
      reject(new WorkshopError('LISTEN_FAILED', error.code === 'EADDRINUSE' ? `port ${options.port} on ${options.host} is already in use; give another with --port` : `cannot listen on ${options.host}:${options.port}: ${error.message}`, { cause: error })),
    );
    listener.listen({ host: options.host, port: options.port }, () => resolve((listener.address() as net.AddressInfo).port));
  });
  joinUrl = options.joinUrl(port);
  return {
    port,
    perAddressCap,
    async close() {
      feed.close();
      const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/**
 * The request's URL, read as a path on this server whatever the request line says (`//x` is a
 * path here, not another host). @throws HttpRefusal 400 for a target that is no URL at all.
 */
function requestUrl(req: http.IncomingMessage): URL {
  const target = req.url ?? '/';
  try {
    return new URL(`http://classroom.invalid${target.startsWith('/') ? target : `/${target}`}`);
  } catch {
    throw new HttpRefusal(400, 'BAD_REQUEST', 'the request target is not a path');
  }
}

/** The dashboard's pages, scripts and styles, read once. */
function loadAssets(): Map<string, Buffer> {
  const files = ['dashboard.html', 'room.html', 'dashboard.js', 'room.js', 'common.js', 'style.css'];
  return new Map(files.map((file) => [file, readFileSync(path.join(PAGES, file))]));
}
