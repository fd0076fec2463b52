/**
 * Bundles the lesson pages' two Web Workers with esbuild (as test/helpers/browser-bundle.ts
 * bundles for a browser): the eval worker (the page's REPL, the client, the tutor, a lesson
 * definition per chunk, mailparser in a chunk of its own) and the sandbox worker. They land in
 * site/public/runtime/ with hashed names, beside a copy of the seed mail, and
 * site/.vitepress/runtime.json tells the pages their names.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT, SITE_DIR } from './paths';

/** Where the workers and the seed are served from, under the site's base. */
export const RUNTIME_DIR = path.join(SITE_DIR, 'public', 'runtime');
/** The workers' file names, for the pages (read by site/.vitepress/theme/lesson-state.ts). */
export const RUNTIME_MANIFEST = path.join(SITE_DIR, '.vitepress', 'runtime.json');

const runtime = (file: string): string => path.join(SITE_DIR, 'runtime', file);

/**
 * What lesson code and the libraries it uses expect of Node, in the page: crypto from the pure
 * crypto port, streams, string decoding and paths from their npm ports, Buffer from the npm
 * `buffer` package.
 */
const NODE_SHIMS: Readonly<Record<string, string>> = {
  'node:crypto': runtime('node-crypto-shim.ts'),
  crypto: runtime('node-crypto-shim.ts'),
  'node:stream': 'readable-stream',
  stream: 'readable-stream',
  'node:string_decoder': 'string_decoder',
  'node:buffer': 'buffer',
  'node:events': 'events',
  path: 'path-browserify',
  'node:path': 'path-browserify',
};

/** The page's names for the two worker scripts and the seed folder, relative to the site's base. */
export interface RuntimeManifest {
  evalWorker: string;
  sandboxWorker: string;
  seed: string;
}

/**
 * Bundles the workers and copies the seed; returns the manifest it wrote. `dev` (npm run docs)
 * keeps fixed names, so the running dev server's pages still find the workers after a rebuild.
 */
export async function buildRuntime(options: { dev?: boolean } = {}): Promise<RuntimeManifest> {
  rmSync(RUNTIME_DIR, { recursive: true, force: true });
  mkdirSync(RUNTIME_DIR, { recursive: true });
  const result = await build({
    entryPoints: { 'eval-worker': runtime('eval-worker.ts'), 'sandbox-worker': runtime('sandbox-worker.ts') },
    absWorkingDir: REPO_ROOT,
    outdir: RUNTIME_DIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: !options.dev,
    // util.inspect prints class names (`Pop3Client {}`, as the READMEs show): keep them.
    keepNames: true,
    sourcemap: 'linked',
    entryNames: options.dev ? '[name]' : '[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
    alias: NODE_SHIMS,
    inject: [runtime('buffer-global.ts')],
    define: { global: 'globalThis' },
    legalComments: 'none',
  });
  const outputs = Object.entries(result.metafile.outputs);
  const entry = (name: string): string => {
    const found = outputs.find(([, output]) => output.entryPoint === path.relative(REPO_ROOT, runtime(`${name}.ts`)));
    if (!found) throw new Error(`esbuild wrote no ${name}`);
    return path.relative(path.join(SITE_DIR, 'public'), path.join(REPO_ROOT, found[0])).split(path.sep).join('/');
  };
  cpSync(path.join(REPO_ROOT, 'sandbox-server', 'seed'), path.join(RUNTIME_DIR, 'seed'), { recursive: true });
  const manifest: RuntimeManifest = { evalWorker: entry('eval-worker'), sandboxWorker: entry('sandbox-worker'), seed: 'runtime/seed/' };
  writeFileSync(RUNTIME_MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
