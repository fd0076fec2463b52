import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openWatchedPage } from './launch';

const PAGE = `<!doctype html><html lang="en"><title>harness</title>
<button id="go">Run</button><output id="out"></output>
<script>
document.getElementById('go').addEventListener('click', () => {
  document.getElementById('out').textContent = 'ran';
  console.error('reported on purpose');
  fetch('http://192.0.2.1/outside').catch(() => {});
});
</script></html>`;

let browser: Browser;
let server: http.Server;
let origin: string;

beforeAll(async () => {
  browser = await launchBrowser();
  server = http.createServer((_, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('browser harness (Debian chromium through playwright-core)', () => {
  it('loads a local page, clicks, and records console errors and requests leaving the origin', async () => {
    const watched = await openWatchedPage(browser, origin);
    try {
      await watched.page.goto(origin);
      expect(watched.errors).toEqual([]);
      await watched.page.click('#go');
      await expect.poll(() => watched.page.textContent('#out')).toBe('ran');
      await expect.poll(() => watched.foreignRequests).toEqual(['http://192.0.2.1/outside']);
      expect(watched.errors[0]).toBe('reported on purpose');
    } finally {
      await watched.close();
    }
  });
});
