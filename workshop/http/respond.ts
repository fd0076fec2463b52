import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpRefusal } from '../errors';
import { MAX_BODY_BYTES } from '../limits';

/** Headers every answer carries: no caching of private data, no framing, no sniffing, no referrer (tokens live in URLs). */
const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

/** Pages may load scripts and styles from this origin only and talk to it only. */
export const PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Sends a JSON answer. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { ...COMMON_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Sends text or bytes with a content type (and extra headers). */
export function sendBody(res: ServerResponse, status: number, type: string, body: string | Uint8Array, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...COMMON_HEADERS, 'content-type': type, 'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength, ...headers });
  res.end(body);
}

/** Sends an HTML page under the page policy. */
export function sendPage(res: ServerResponse, html: string): void {
  sendBody(res, 200, 'text/html; charset=utf-8', html, { 'content-security-policy': PAGE_POLICY });
}

/** Answers a refusal: its status, `{ error: { code, message } }`, and `Retry-After` when it has one. */
export function sendRefusal(res: ServerResponse, refusal: HttpRefusal): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (refusal.retryAfter !== undefined) res.setHeader('retry-after', String(refusal.retryAfter));
  sendJson(res, refusal.status, { error: { code: refusal.code, message: refusal.message } });
}

/** Redirects (303: the next request is a GET). */
export function redirect(res: ServerResponse, location: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(303, { ...COMMON_HEADERS, location, ...headers });
  res.end();
}

/**
 * Reads a JSON object body of at most {@link MAX_BODY_BYTES}.
 * @throws HttpRefusal 413 `TOO_LARGE`, 415 `NOT_JSON` (another content type) or 400 `BAD_JSON`.
 */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new HttpRefusal(415, 'NOT_JSON', 'send the body as application/json');
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new HttpRefusal(413, 'TOO_LARGE', `the body is larger than ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpRefusal(413, 'TOO_LARGE', `the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new HttpRefusal(400, 'BAD_JSON', `the body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpRefusal(400, 'BAD_JSON', 'the body must be a JSON object');
  return value as Record<string, unknown>;
}

/** The value of one cookie, or undefined. */
export function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The bearer token of an `Authorization` header, or undefined. */
export function bearer(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}
