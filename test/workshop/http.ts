import * as http from 'node:http';
import * as https from 'node:https';

/** An answer as the tests read it. */
export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body as JSON, or undefined when it is not JSON. */
  json: any;
}

/** Options of {@link call}. */
export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  /** A value sent as JSON, or raw text. */
  body?: unknown;
  /** Over TLS, trusting this CA (the classroom's). */
  ca?: string;
  /** Resolve once the status and headers are in, without the body (an event stream never ends). */
  headersOnly?: boolean;
}

/**
 * One HTTP request with node:http(s) and nothing of the project: the classroom's answer as the
 * tests see it. The TLS name is not checked (the classroom's certificate is for its addresses).
 */
export function call(base: string, path: string, options: CallOptions = {}): Promise<Answer> {
  // The path is sent as given (the fuzzer makes up paths such as "//"), to the base's host and port.
  const origin = new URL(base);
  const url = { hostname: origin.hostname, port: origin.port, pathname: path, search: '' };
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...(body !== undefined && typeof options.body !== 'string' ? { 'content-type': 'application/json' } : {}), ...options.headers };
  return new Promise((resolve, reject) => {
    const module = options.ca ? https : http;
    const req = module.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, agent: false, ...(options.ca ? { ca: options.ca, checkServerIdentity: () => undefined } : {}) },
      (res) => {
        if (options.headersOnly) {
          res.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: '', json: undefined });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A learner API call over TLS with a join code. */
export function learnerCall(base: string, ca: string, code: string, route: string, body?: unknown, method?: string): Promise<Answer> {
  return call(base, `/api/learner/${route}`, { ca, headers: { authorization: `Bearer ${code}` }, ...(body !== undefined ? { body } : {}), ...(method ? { method } : {}) });
}

/**
 * Reads server-sent events from a live response until `until` returns true for the events so
 * far; rejects after `timeoutMs` showing what arrived.
 */
export function readEvents(base: string, path: string, options: CallOptions & { until: (events: { event: string; data: any; id?: string }[]) => boolean; timeoutMs?: number }): Promise<{ event: string; data: any; id?: string }[]> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const events: { event: string; data: any; id?: string }[] = [];
    const module = options.ca ? https : http;
    const req = module.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, headers: { accept: 'text/event-stream', ...options.headers }, agent: false, ...(options.ca ? { ca: options.ca, checkServerIdentity: () => undefined } : {}) },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`event stream answered ${res.statusCode ?? 0}`));
          res.resume();
          return;
        }
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':') && l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
            if (fields.data === undefined) continue;
            events.push({ event: fields.event ?? 'message', data: JSON.parse(fields.data), ...(fields.id ? { id: fields.id } : {}) });
            if (options.until(events)) {
              clearTimeout(timer);
              req.destroy();
              resolve(events);
              return;
            }
          }
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`the events awaited did not come within ${options.timeoutMs ?? 5000} ms; got ${JSON.stringify(events).slice(0, 2000)}`));
    }, options.timeoutMs ?? 5000);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
}
