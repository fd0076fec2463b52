import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as BrowserClient from '../../src/client/browser';
import type { createMemoryPair } from '../../src/ports/memory-transport';
import { launchBrowser, openWatchedPage, type WatchedPage } from '../browser/launch';
import { bundleForBrowser, type BrowserBundle } from '../helpers/browser-bundle';

/**
 * The client's browser build, bundled as a docs page would bundle it, run in Chromium over an
 * in-memory pair against a peer scripted in the page: no Node, no `process`, timers that are
 * numbers, the npm `buffer` package for `Buffer`.
 */

/** What the page puts on `globalThis` once both bundles have loaded. */
interface PageGlobals {
  pop3: typeof BrowserClient;
  createMemoryPair: typeof createMemoryPair;
}

const PAGE = `<!doctype html><html lang="en"><title>client in a page</title><link rel="icon" href="data:,">
<script type="module">
import * as pop3 from '/client.js';
import { createMemoryPair } from '/memory-transport.js';
Object.assign(globalThis, { pop3, createMemoryPair });
</script></html>`;

let client: BrowserBundle;
let browser: Browser;
let server: http.Server;
let origin: string;

beforeAll(async () => {
  const [clientBundle, transportBundle] = await Promise.all([
    bundleForBrowser('src/client/browser.ts'),
    bundleForBrowser('src/ports/memory-transport.ts'),
  ]);
  client = clientBundle;
  const files: Record<string, { type: string; body: string }> = {
    '/': { type: 'text/html', body: PAGE },
    '/client.js': { type: 'text/javascript', body: clientBundle.code },
    '/memory-transport.js': { type: 'text/javascript', body: transportBundle.code },
  };
  server = http.createServer((request, response) => {
    const file = files[request.url ?? ''];
    if (file) response.writeHead(200, { 'content-type': file.type }).end(file.body);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

async function openPage(): Promise<WatchedPage> {
  const watched = await openWatchedPage(browser, origin);
  await watched.page.goto(origin);
  await watched.page.waitForFunction(() => 'pop3' in globalThis && 'createMemoryPair' in globalThis);
  return watched;
}

describe('the client in a browser', () => {
  it('bundles from src/client/browser.ts with no Node module, on the pure crypto port', () => {
    expect(client.inputs.filter((input) => input.startsWith('node:') || /\/node-[^/]*\.ts$/.test(input))).toEqual([]);
    expect(client.inputs).toContain('src/ports/pure-crypto.ts');
    expect(client.inputs).toContain('src/client/connection.ts');
  });

  it('logs in with APOP, pipelines, retrieves, and quits over an in-memory pair', async () => {
    const watched = await openPage();
    try {
      const result = await watched.page.evaluate(async () => {
        const { pop3, createMemoryPair } = globalThis as unknown as PageGlobals;
        const [clientEnd, serverEnd] = createMemoryPair();
        // The peer: a reply per command line, written as a server would, stuffing included.
        const replies: Record<string, string> = {
          'APOP mrose c4c9334bac560ecc979e58001b3e22fb': "+OK mrose's maildrop has 2 messages (320 octets)\r\n",
          CAPA: '+OK\r\nPIPELINING\r\nUIDL\r\n.\r\n',
          STAT: '+OK 2 320\r\n',
          'RETR 1': '+OK 27 octets\r\nSubject: hi\r\n\r\n..dot\r\nbody\r\n.\r\n',
          'RETR 2': '+OK\r\nSubject: =?UTF-8?B?Z3LDvMOfZQ==?=\r\n\r\nzwei\r\n.\r\n',
          QUIT: '+OK bye\r\n',
        };
        const received: string[] = [];
        const batches: string[] = [];
        const encoder = new TextEncoder();
        const decoder = new TextDecoder();
        let pending = '';
        serverEnd.on('data', (chunk) => {
          const text = decoder.decode(chunk);
          batches.push(text);
          pending += text;
          for (let at = pending.indexOf('\r\n'); at !== -1; at = pending.indexOf('\r\n')) {
            const line = pending.slice(0, at);
            pending = pending.slice(at + 2);
            received.push(line);
            void serverEnd.write(encoder.encode(replies[line] ?? '-ERR unknown command\r\n'));
          }
        });
        void serverEnd.write(encoder.encode('+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n'));
        const trace: string[] = [];
        const pop = await pop3.connect({ transport: clientEnd, timeout: 2000, trace: (entry) => trace.push(pop3.formatTraceLine(entry)) });
        await pop.apop('mrose', 'tanstaaf');
        const pipelining = (await pop.capa()).pipelining;
        const [stat, first, second] = await Promise.all([pop.stat(), pop.retr(1), pop.retr(2)]);
        const stls = await pop.stls().then(() => 'upgraded', (error: { code?: string }) => error.code);
        let stream = 'returned';
        try {
          pop.retrStream(1);
        } catch (error) {
          stream = (error as { code: string }).code;
        }
        await pop.quit();
        return {
          state: pop.state,
          pipelining,
          stat,
          first: { text: first.text, size: first.size },
          second: second.subject,
          stls,
          stream,
          received,
          pipelined: batches.includes('STAT\r\nRETR 1\r\nRETR 2\r\n'),
          trace: trace.map((line) => line.replace(/^c\d+ /, '')),
        };
      });
      expect(result).toEqual({
        state: 'CLOSED',
        pipelining: true,
        stat: { count: 2, size: 320 },
        first: { text: 'Subject: hi\r\n\r\n.dot\r\nbody\r\n', size: 27 },
        second: 'grüße',
        stls: 'TLS_FAILED',
        stream: 'NOT_SUPPORTED',
        received: ['APOP mrose c4c9334bac560ecc979e58001b3e22fb', 'CAPA', 'STAT', 'RETR 1', 'RETR 2', 'QUIT'],
        pipelined: true,
        trace: [
          '*  CONNECT over memory (pop3)',
          'S: +OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>',
          'C: APOP mrose ***',
          "S: +OK mrose's maildrop has 2 messages (320 octets)",
          'C: CAPA',
          'S: +OK',
          'S: (18 octets, 2 lines)',
          'C: STAT',
          'C: RETR 1',
          'C: RETR 2',
          'S: +OK 2 320',
          'S: +OK 27 octets',
          'S: (27 octets, 4 lines)',
          'S: +OK',
          'S: (43 octets, 3 lines)',
          'C: QUIT',
          'S: +OK bye',
          '*  CLOSE after QUIT',
        ],
      });
      expect(watched.errors).toEqual([]);
      expect(watched.foreignRequests).toEqual([]);
    } finally {
      await watched.close();
    }
  });

  it('times out a stalled reply and aborts a pending one, closing the connection each time', async () => {
    const watched = await openPage();
    try {
      const result = await watched.page.evaluate(async () => {
        const { pop3, createMemoryPair } = globalThis as unknown as PageGlobals;
        const encoder = new TextEncoder();
        /** A peer that greets, answers NOOP once, then never again. */
        const open = async (options: { timeout: number; signal?: AbortSignal }) => {
          const [clientEnd, serverEnd] = createMemoryPair();
          let noops = 0;
          serverEnd.on('data', () => {
            noops += 1;
            if (noops === 1) void serverEnd.write(encoder.encode('+OK\r\n'));
          });
          void serverEnd.write(encoder.encode('+OK ready\r\n'));
          return pop3.connect({ transport: clientEnd, ...options });
        };
        const timed = await open({ timeout: 150 });
        await timed.noop(); // the idle timer restarts for the next command
        const started = performance.now();
        const timeout = await timed.noop().catch((error: { code?: string; message: string }) => ({ code: error.code, message: error.message }));
        const waited = performance.now() - started;
        const controller = new AbortController();
        const aborted = await open({ timeout: 10_000, signal: controller.signal });
        await aborted.noop();
        const pending = aborted.noop().catch((error: { code?: string; message: string; cause?: Error }) => ({ code: error.code, message: error.message, cause: error.cause?.message }));
        controller.abort(new Error('stopped by the page'));
        return { timeout, timedState: timed.state, waitedEnough: waited >= 140, abort: await pending, abortedState: aborted.state };
      });
      expect(result).toEqual({
        timeout: { code: 'TIMEOUT', message: 'no reply to NOOP within 150 ms; the connection was closed' },
        timedState: 'CLOSED',
        waitedEnough: true,
        abort: { code: 'ABORTED', message: 'NOOP cancelled: stopped by the page; the connection was closed', cause: 'stopped by the page' },
        abortedState: 'CLOSED',
      });
      expect(watched.errors).toEqual([]);
    } finally {
      await watched.close();
    }
  });
});
