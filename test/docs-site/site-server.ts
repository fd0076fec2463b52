/**
 * The built docs site (npm run docs:build), served on a free loopback port under its base path
 * by a plain static server (Python's http.server) or by `vitepress preview`, for the browser
 * tests and the docs benchmark.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { killHard, REPO_ROOT, startProgram, waitForOutput } from '../helpers/child-process';

/** The static build. */
export const DIST_DIR = path.join(REPO_ROOT, 'site', '.vitepress', 'dist');

/** The base path the site was built for (DOCS_BASE, as `npm run test:docs` sets it), with its slashes. */
export function siteBase(): string {
  return `/${(process.env.DOCS_BASE ?? '/').replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
}

/** A running server of the built site. */
export interface SiteServer {
  origin: string;
  /** `origin` + the base path, ending in `/`. */
  root: string;
  close(): Promise<void>;
}

/** A free loopback port (the server then binds it; nothing else on this machine races for it in practice). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function assertBuilt(): void {
  if (!existsSync(path.join(DIST_DIR, 'index.html'))) throw new Error(`no built site in ${DIST_DIR}: run \`DOCS_BASE=${siteBase()} npm run docs:build\` first`);
}

async function started(child: ChildProcess, ready: RegExp, port: number): Promise<SiteServer> {
  try {
    await waitForOutput(child, ready, 0, 30_000);
  } catch (error) {
    await killHard(child); // A server that never said it was ready is not left behind.
    throw error;
  }
  const origin = `http://127.0.0.1:${port}`;
  return { origin, root: `${origin}${siteBase()}`, close: () => killHard(child) };
}

/**
 * Serves the build with Python's http.server, which knows nothing of VitePress: the build sits
 * at the base path inside an otherwise empty folder, as on any static host.
 */
export async function serveWithPython(): Promise<SiteServer> {
  assertBuilt();
  const top = mkdtempSync(path.join(os.tmpdir(), 'pop3-docs-'));
  if (siteBase() === '/') throw new Error('serveWithPython serves under a base path: build with DOCS_BASE set');
  symlinkSync(DIST_DIR, path.join(top, siteBase().replace(/\/$/, '')));
  const port = await freePort();
  const child = startProgram('python3', ['-u', '-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', top], { cwd: top });
  return started(child, /Serving HTTP/, port);
}

/** Serves the build with `vitepress preview`, which reads the base path from the site's config. */
export async function serveWithPreview(): Promise<SiteServer> {
  assertBuilt();
  const port = await freePort();
  const vitepress = path.join(REPO_ROOT, 'node_modules', 'vitepress', 'bin', 'vitepress.js');
  const child = startProgram(process.execPath, [vitepress, 'preview', 'site', '--port', String(port), '--host', '127.0.0.1'], {
    cwd: REPO_ROOT,
    env: { ...process.env, DOCS_BASE: siteBase() },
  });
  return started(child, /served at|Local:/, port);
}
