import { createHash, X509Certificate } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import { CodedError } from '../protocol/errors';

/** How long one API request may take before the classroom counts as unreachable for it. */
const REQUEST_TIMEOUT_MS = 8_000;
/** The longest wait before trying a refused (429) request again. */
const MAX_RETRY_WAIT_MS = 2_000;

/** A classroom that refused, or could not be reached; `status` is the HTTP status when it answered. */
export class ClassroomError extends CodedError {
  readonly status: number | undefined;
  /** How long the classroom asked to wait (`Retry-After`), for a 429. */
  retryAfterMs: number | undefined;
  constructor(code: string, message: string, status?: number, options?: { cause?: unknown }) {
    super(code, message, options);
    this.status = status;
  }
}

/** What the classroom tells a REPL about itself and the learner (docs/workshop.md, "The learner API"). */
export interface JoinInfo {
  learner: { id: string; name: string };
  /** This run of the classroom (log indexes start again from 0 after a restart). */
  epoch: string;
  release: { mode: 'self-paced' } | { mode: 'paced'; upTo: number };
  unlockedUpTo: number;
  lessons: number;
  /** The index of the next log entry (the event stream starts there). */
  logNext: number;
}

/** Where a classroom is and how to trust it: from `--join http://HOST:PORT/?ca=PIN`. */
export interface ClassroomAddress {
  host: string;
  port: number;
  /** The first 20 hex digits of the CA's SHA-256 fingerprint, when the URL carried it. */
  pin?: string;
}

/**
 * Reads a join URL. @throws ClassroomError `BAD_JOIN_URL` saying what a join URL looks like.
 */
export function parseJoinUrl(text: string): ClassroomAddress {
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw new ClassroomError('BAD_JOIN_URL', `--join wants the classroom's URL, e.g. http://192.168.1.20:7070/?ca=..., got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ClassroomError('BAD_JOIN_URL', `--join wants an http:// URL, got ${url.protocol}`);
  const pin = url.searchParams.get('ca') ?? undefined;
  if (pin !== undefined && !/^[0-9a-f]{20}$/.test(pin)) throw new ClassroomError('BAD_JOIN_URL', 'the ?ca= part of the join URL is damaged: copy the URL again from your slip');
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 7070), ...(pin ? { pin } : {}) };
}

/** The fingerprint form a join URL pins: SHA-256 of the CA's DER, first 20 hex digits. */
export function pinOf(caPem: string): string {
  return createHash('sha256').update(new X509Certificate(caPem).raw).digest('hex').slice(0, 20);
}

/**
 * The REPL's link to its classroom: the CA (fetched over plain HTTP and checked against the
 * join URL's pin), then every request over TLS trusting that CA only, with the join code as
 * the bearer token. The server's name is not checked against its certificate: the CA is this
 * classroom's own, pinned at join, and venue networks hand out addresses the certificate
 * cannot know in advance.
 */
export class ClassroomLink {
  readonly address: ClassroomAddress;
  readonly ca: string;
  readonly #code: string;
  readonly #agent: https.Agent;

  private constructor(address: ClassroomAddress, ca: string, code: string) {
    this.address = address;
    this.ca = ca;
    this.#code = code;
    this.#agent = new https.Agent({ keepAlive: true, maxSockets: 4, ca, checkServerIdentity: () => undefined });
  }

  /**
   * Fetches and checks the classroom's CA.
   * @throws ClassroomError `UNREACHABLE`, or `CA_MISMATCH` when the CA is not the one the URL pins.
   */
  static async open(address: ClassroomAddress, code: string): Promise<ClassroomLink> {
    const ca = await fetchCa(address);
    if (address.pin !== undefined && pinOf(ca) !== address.pin) {
      throw new ClassroomError('CA_MISMATCH', `the server at ${address.host}:${address.port} is not the classroom on your slip (its certificate authority has another fingerprint); check the URL, and tell the instructor`);
    }
    return new ClassroomLink(address, ca, code);
  }

  /**
   * Sends a request to the learner API and resolves with its JSON answer; a `429` (a burst of
   * requests, e.g. a pasted solution) is tried again once, after the wait the classroom asks for.
   * @throws ClassroomError.
   */
  async request<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
    try {
      return await this.#send<T>(method, route, body);
    } catch (error) {
      if (!(error instanceof ClassroomError) || error.status !== 429) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RETRY_WAIT_MS, error.retryAfterMs ?? 1_000)));
      return this.#send<T>(method, route, body);
    }
  }

  #send<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise<T>((resolve, reject) => {
      const req = https.request(
        this.#options(route, method, payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => reject(unreachable(this.address, error)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let answer: { error?: { code?: string; message?: string } } & Record<string, unknown>;
            try {
              answer = JSON.parse(text) as typeof answer;
            } catch {
              reject(new ClassroomError('BAD_ANSWER', `the classroom answered ${res.statusCode ?? '?'} with something that is not JSON`, res.statusCode));
              return;
            }
            if ((res.statusCode ?? 500) >= 400) {
              const refusal = new ClassroomError(answer.error?.code ?? 'REFUSED', answer.error?.message ?? `the classroom answered ${res.statusCode ?? '?'}`, res.statusCode);
              const retryAfter = Number(res.headers['retry-after']);
              if (Number.isFinite(retryAfter)) refusal.retryAfterMs = retryAfter * 1000;
              reject(refusal);
            } else resolve(answer as T);
          });
        },
      );
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
      req.on('error', (error) => reject(unreachable(this.address, error)));
      req.end(payload);
    });
  }

  /** Opens the event stream (server-sent events) from log index `from` of the classroom's run `epoch`; resolves with the live response. @throws ClassroomError. */
  openEvents(from: number, epoch: string): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = https.request(this.#options(`events?from=${from}&epoch=${encodeURIComponent(epoch)}`, 'GET', { accept: 'text/event-stream' }, false), (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new ClassroomError('REFUSED', `the classroom refused the event stream (${res.statusCode ?? '?'})`, res.statusCode));
        } else resolve(res);
      });
      req.on('error', (error) => reject(unreachable(this.address, error)));
      req.end();
    });
  }

  /**
   * Opens a POP3 forward to the learner's sandbox: a TLS connection upgraded to raw POP3
   * (`implicitTls`: the sandbox starts with a TLS handshake inside it, RFC 8314 §3.1). The
   * socket comes paused, with every byte already received still in it (the greeting may have
   * come with the upgrade): pipe it or resume it once its reader listens.
   * @throws ClassroomError when the classroom cannot be reached or refuses (a cap, a bad code).
   */
  openForward(implicitTls: boolean): Promise<{ socket: Socket }> {
    return new Promise((resolve, reject) => {
      const req = https.request(this.#options(`pop3${implicitTls ? '?tls=implicit' : ''}`, 'GET', { connection: 'Upgrade', upgrade: 'pop3' }, false));
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
      req.on('upgrade', (_res, socket: Socket, head: Buffer) => {
        // Paused at once: the server's first bytes may already be on their way, and nobody
        // listens before the caller's turn comes.
        socket.pause();
        if (head.length > 0) socket.unshift(head);
        req.setTimeout(0);
        socket.setTimeout(0);
        resolve({ socket });
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          let message = `the classroom refused the connection (${res.statusCode ?? '?'})`;
          try {
            message = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error: { message: string } }).error.message;
          } catch {
            // keep the generic message
          }
          reject(new ClassroomError('REFUSED', message, res.statusCode));
        });
      });
      req.on('error', (error) => reject(unreachable(this.address, error)));
      req.end();
    });
  }

  /** Closes idle connections. */
  close(): void {
    this.#agent.destroy();
  }

  #options(route: string, method: string, headers: Record<string, string>, pooled = true): https.RequestOptions {
    return {
      host: this.address.host,
      port: this.address.port,
      method,
      path: `/api/learner/${route}`,
      headers: { authorization: `Bearer ${this.#code}`, ...headers },
      ...(pooled ? { agent: this.#agent } : { agent: false, ca: this.ca, checkServerIdentity: () => undefined }),
    };
  }
}

function fetchCa(address: ClassroomAddress): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: address.host, port: address.port, path: '/ca.pem', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200 || !text.includes('BEGIN CERTIFICATE')) {
          reject(new ClassroomError('NOT_A_CLASSROOM', `${address.host}:${address.port} answered, but not as a pop3-playground classroom (no /ca.pem)`, res.statusCode));
        } else resolve(text);
      });
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    req.on('error', (error) => reject(unreachable(address, error)));
  });
}

function unreachable(address: ClassroomAddress, error: Error): ClassroomError {
  return new ClassroomError('UNREACHABLE', `cannot reach the classroom at ${address.host}:${address.port}: ${error.message}`, undefined, { cause: error });
}
