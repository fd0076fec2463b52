import type { IncomingMessage, ServerResponse } from 'node:http';
import { HEARTBEAT_MS } from '../limits';

/** A server-sent event stream (HTML Living Standard, "Server-sent events"). */
export interface EventStream {
  /** Sends one event; `id` sets the stream's last event id (what a reconnect resumes from). */
  send(event: string, data: unknown, id?: string): void;
  /** Sends an event already encoded by {@link encodeEvent} (one encoding for many streams). */
  sendEncoded(frame: string): void;
  /** Ends the stream. */
  close(): void;
  /** Resolves when the client has gone. */
  readonly closed: Promise<void>;
}

/**
 * Opens an event stream on a response: the headers, a retry hint, a comment line every
 * {@link HEARTBEAT_MS} so idle NATs and proxies keep it open, and closed when the client goes.
 */
export function openEventStream(req: IncomingMessage, res: ServerResponse, retryMs = 2_000): EventStream {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
    connection: 'keep-alive',
  });
  res.write(`retry: ${retryMs}\n\n`);
  req.socket.setNoDelay(true);
  // A stream lives as long as the client keeps it; the request timeout is for requests.
  req.socket.setTimeout(0);
  const heartbeat = setInterval(() => res.write(':\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  let open = true;
  const closed = new Promise<void>((resolve) => {
    const done = (): void => {
      open = false;
      clearInterval(heartbeat);
      resolve();
    };
    res.once('close', done);
  });
  return {
    send(event, data, id) {
      if (open) res.write(encodeEvent(event, data, id));
    },
    sendEncoded(frame) {
      if (open) res.write(frame);
    },
    close() {
      if (open) res.end();
    },
    closed,
  };
}

/** One event as the stream carries it: JSON data on one line (JSON never contains a raw newline). */
export function encodeEvent(event: string, data: unknown, id?: string): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
