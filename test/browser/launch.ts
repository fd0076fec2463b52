import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser (`scripts/install-test-deps.sh` installs it). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for a headless Chromium on a closed network, run as root in CI: no sandbox (it needs
 * an unprivileged user), and none of the background connections a closed network refuses.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Starts Debian's Chromium through Playwright. @throws when the browser is not installed, saying how to install it. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no browser at ${CHROMIUM_PATH}: run scripts/install-test-deps.sh (Debian's chromium), or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** A page with what went wrong in it collected: console errors, uncaught exceptions, requests that left the origin. */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Console messages of type error, and uncaught page errors, as text. */
  errors: string[];
  /** URLs of requests to any origin but the allowed one. */
  foreignRequests: string[];
  close(): Promise<void>;
}

/**
 * Opens a fresh context and page that record console errors, page errors and every request
 * outside `origin` (e.g. `http://127.0.0.1:4173`), so a test can assert there were none.
 */
export async function openWatchedPage(browser: Browser, origin: string): Promise<WatchedPage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  const foreignRequests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  const onRequest = (request: Request): void => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) foreignRequests.push(url);
  };
  context.on('request', onRequest);
  return { page, context, errors, foreignRequests, close: () => context.close() };
}
