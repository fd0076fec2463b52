/**
 * A bare POP3 session over a raw socket: the same driver for the sandbox and for Dovecot in the
 * sessions/s and NOOP-latency workloads. It is not our client on purpose: the server figures
 * must not depend on the client under development.
 */
import { connect, type Socket } from 'node:net';

const COMMAND_TIMEOUT_MS = 30_000;

/** A reply as read off the wire: the status line, and for multi-line replies the whole text. */
export interface RawReply {
  ok: boolean;
  status: string;
  text: string;
}

/** Raised when a server answers -ERR where the workload needs +OK, or the socket fails. */
export class RawSessionError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'RawSessionError';
    this.code = code;
  }
}

/** One POP3 connection driven one command at a time. */
export class RawPop3Session {
  private readonly socket: Socket;
  private buffer = '';
  private waiter: { multiline: boolean; resolve: (reply: RawReply) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The greeting, once read. */
  greeting = '';

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.settle();
    });
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new RawSessionError('CLOSED', 'connection closed by the server')));
  }

  /** Connects and reads the greeting. */
  static async open(host: string, port: number): Promise<RawPop3Session> {
    const socket = connect({ host, port });
    const session = new RawPop3Session(socket);
    const greeting = await session.read(false);
    if (!greeting.ok) throw new RawSessionError('GREETING', `greeting was ${greeting.status}`);
    session.greeting = greeting.status;
    return session;
  }

  /** Sends USER and PASS; throws unless both are accepted. */
  async login(name: string, password: string): Promise<void> {
    await this.expectOk(`USER ${name}`);
    await this.expectOk(`PASS ${password}`);
  }

  /** Sends one command and reads its reply (the whole multi-line reply when `multiline`). */
  command(line: string, multiline = false): Promise<RawReply> {
    if (this.failure) return Promise.reject(this.failure);
    const reply = this.read(multiline);
    this.socket.write(`${line}\r\n`, 'latin1');
    return reply;
  }

  /** Sends a command and throws if the server answers -ERR. */
  async expectOk(line: string, multiline = false): Promise<RawReply> {
    const reply = await this.command(line, multiline);
    if (!reply.ok) throw new RawSessionError('ERR_REPLY', `${line.split(' ')[0]} answered ${reply.status}`);
    return reply;
  }

  /** Sends QUIT, waits for its reply, then closes the socket. */
  async quit(): Promise<void> {
    try {
      await this.expectOk('QUIT');
    } finally {
      this.socket.destroy();
    }
  }

  /** Closes without QUIT. */
  destroy(): void {
    this.socket.destroy();
  }

  private read(multiline: boolean): Promise<RawReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<RawReply>((resolve, reject) => {
      this.waiter = { multiline, resolve, reject };
      this.timer = setTimeout(
        () => this.fail(new RawSessionError('TIMEOUT', `no reply within ${COMMAND_TIMEOUT_MS} ms; got ${JSON.stringify(this.buffer.slice(0, 200))}`)),
        COMMAND_TIMEOUT_MS,
      );
      this.settle();
    });
  }

  private settle(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    const statusEnd = this.buffer.indexOf('\r\n');
    if (statusEnd < 0) return;
    const status = this.buffer.slice(0, statusEnd);
    const ok = status.startsWith('+OK');
    let end = statusEnd + 2;
    if (waiter.multiline && ok) {
      // The terminator may follow the status line at once: "+OK\r\n.\r\n".
      const terminator = this.buffer.indexOf('\r\n.\r\n', statusEnd);
      if (terminator < 0) return;
      end = terminator + 5;
    }
    const text = this.buffer.slice(0, end);
    this.buffer = this.buffer.slice(end);
    this.waiter = undefined;
    clearTimeout(this.timer);
    waiter.resolve({ ok, status, text });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    clearTimeout(this.timer);
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(error);
    this.socket.destroy();
  }
}
