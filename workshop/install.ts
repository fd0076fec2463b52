import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { WorkshopError } from './errors';
import { writeJsonFile } from './files';
import { escapeHtml } from './slips';

const run = promisify(execFile);

/** The file learners download: the project with an npm cache of its locked dependencies inside. */
export const BUNDLE_FILE = 'pop3-playground-offline.tgz';
/** The folder the bundle unpacks to. */
const TOP = 'pop3-playground';
/** npm's own registry: only a cache key in the lockfile; the offline install finds tarballs by their integrity. */
const REGISTRY = 'https://registry.npmjs.org';

/** The offline install `/install` serves. */
export interface InstallBundle {
  /** Answers `/install` (the page with the commands) and the bundle. */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string, joinUrl: string): void;
  /** Resolves once the bundle is ready (rejects when it could not be made). */
  readonly ready: Promise<void>;
}

/** Options of {@link prepareInstall}. */
export interface InstallOptions {
  /** The project to bundle (default: this playground). */
  root?: string;
  /** Where the bundle is kept (`install/` of the data folder), so a restart reuses it. */
  dir: string;
  say?: (line: string) => void;
}

interface LockEntry {
  name?: string;
  version?: string;
  integrity?: string;
  resolved?: string;
  dev?: boolean;
  link?: boolean;
}

/**
 * Makes (or reuses) the offline install: `npm pack` of the project, then every dependency the
 * lockfile names for production that is installed here, packed from npm's cache on this machine
 * (no download when it is there) and added to a fresh npm cache inside the bundle; the lockfile
 * in the bundle names each tarball, so `npm ci --offline --cache ./npm-cache` finds them by
 * integrity. Platform binaries of other systems (optional) are not in it: the playground then
 * falls back, as it does without swc. The bundle is made in the background; `/install` says
 * when it is ready.
 */
export function prepareInstall(options: InstallOptions): InstallBundle {
  const root = options.root ?? path.join(__dirname, '..');
  const bundle = path.join(options.dir, BUNDLE_FILE);
  const stamp = path.join(options.dir, 'bundle.json');
  const key = createHash('sha256').update(readFileSync(path.join(root, 'package.json'))).update(readFileSync(path.join(root, 'package-lock.json'))).digest('hex');
  let state: { status: 'preparing' } | { status: 'ready'; bytes: number } | { status: 'failed'; reason: string } = { status: 'preparing' };
  const known = existsSync(bundle) && existsSync(stamp) ? (JSON.parse(readFileSync(stamp, 'utf8')) as { key?: string }).key : undefined;
  const ready =
    known === key
      ? Promise.resolve()
      : (async () => {
          options.say?.('Preparing the offline install in the background (from npm\'s cache on this machine) ...');
          await buildBundle(root, options.dir);
          writeJsonFile(stamp, { key, createdAt: new Date().toISOString() });
        })();
  ready.then(
    () => {
      state = { status: 'ready', bytes: statSync(bundle).size };
      if (known !== key) options.say?.(`Offline install ready (${(statSync(bundle).size / 1e6).toFixed(1)} MB).`);
    },
    (error: unknown) => {
      state = { status: 'failed', reason: (error as Error).message };
      options.say?.(`The offline install could not be made: ${(error as Error).message}`);
    },
  );
  return {
    ready,
    serve(_req, res, pathname, joinUrl) {
      if (pathname === `/install/${BUNDLE_FILE}` && state.status === 'ready') {
        res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': state.bytes, 'content-disposition': `attachment; filename="${BUNDLE_FILE}"`, 'cache-control': 'no-store' });
        createReadStream(bundle).pipe(res);
        return;
      }
      if (pathname !== '/install' && pathname !== '/install/') {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(state.status === 'preparing' ? 'The offline install is still being prepared; try again in a minute.\n' : 'Not found.\n');
        return;
      }
      const url = new URL(`/install/${BUNDLE_FILE}`, joinUrl).href;
      const body =
        state.status === 'ready'
          ? `<p>Node.js 20.19 or newer, then in a terminal (about ${(state.bytes / 1e6).toFixed(0)} MB, no internet needed):</p>
<pre>curl -fO ${escapeHtml(url)}
tar -xzf ${BUNDLE_FILE} &amp;&amp; cd ${TOP} &amp;&amp; npm ci --omit=dev --offline --cache ./npm-cache</pre>
<p>Or <a href="${escapeHtml(url)}">download it</a> with the browser and run the second line where it was saved. Then check the machine with <code>npm run workshop -- doctor --join ${escapeHtml(joinUrl)}</code>.</p>
<p>Built for ${escapeHtml(`${process.platform}-${process.arch}`)}: on another system the optional fast compiler may be missing; the playground then starts a little slower, nothing else changes.</p>`
          : state.status === 'preparing'
            ? '<p>The offline install is being prepared; reload this page in a minute.</p>'
            : `<p>The offline install could not be made here: ${escapeHtml(state.reason)}</p>`;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'" });
      res.end(`<!doctype html><html lang="en"><meta charset="utf-8"><title>Install pop3-playground</title><h1>Install pop3-playground without the internet</h1>${body}</html>`);
    },
  };
}

/** Builds the bundle in a scratch folder, then moves it into place. @throws WorkshopError `INSTALL_FAILED`. */
async function buildBundle(root: string, dir: string): Promise<void> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'pop3-install-'));
  try {
    const npm = async (args: string[], cwd: string): Promise<string> => {
      try {
        return (await run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } })).stdout;
      } catch (error) {
        const detail = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n').slice(-3).join(' ');
        throw new WorkshopError('INSTALL_FAILED', `npm ${args[0] ?? ''} failed: ${detail}`);
      }
    };
    // The project itself, as npm would publish it (.gitignore'd files stay out).
    const packed = JSON.parse(await npm(['pack', '--json', '--pack-destination', scratch], root)) as { filename: string }[];
    const stage = path.join(scratch, 'stage');
    mkdirSync(stage);
    await run('tar', ['-xzf', path.join(scratch, packed[0]!.filename), '-C', stage]);
    renameSync(path.join(stage, 'package'), path.join(stage, TOP));
    const project = path.join(stage, TOP);
    // Every production dependency installed here, from npm's cache (no download when it is there).
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
    const specs: string[] = [];
    for (const [where, entry] of Object.entries(lock.packages)) {
      if (where === '' || entry.link || entry.version === undefined) continue;
      const name = entry.name ?? where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length);
      entry.resolved ??= `${REGISTRY}/${name}/-/${name.replace(/^@[^/]+\//, '')}-${entry.version}.tgz`;
      if (!entry.dev && existsSync(path.join(root, where))) specs.push(`${name}@${entry.version}`);
    }
    const tarballs = path.join(scratch, 'tarballs');
    mkdirSync(tarballs);
    if (specs.length > 0) {
      await npm(['pack', '--prefer-offline', '--pack-destination', tarballs, ...specs], scratch);
      const files = readdirSync(tarballs).map((f) => path.join(tarballs, f));
      await npm(['cache', 'add', '--cache', path.join(project, 'npm-cache'), ...files], scratch);
    }
    writeFileSync(path.join(project, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
    // Only the content store is needed; logs and indexes of this run stay out.
    rmSync(path.join(project, 'npm-cache', '_logs'), { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const temp = path.join(dir, `${BUNDLE_FILE}.${process.pid}.tmp`);
    await run('tar', ['-czf', temp, '-C', stage, TOP]);
    renameSync(temp, path.join(dir, BUNDLE_FILE));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
