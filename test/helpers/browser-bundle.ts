import { build } from 'esbuild';
import * as path from 'node:path';

const REPO_ROOT = path.join(__dirname, '..', '..');

/** What bundling an entry for the browser gave. */
export interface BrowserBundle {
  /** The bundled JavaScript. */
  code: string;
  /** Every module the bundle took in, repository-relative (node_modules paths as they are). */
  inputs: string[];
}

/**
 * Bundles `entry` (repository-relative) for a browser, as the docs site's workers will: no Node
 * built-in resolves (a `node:` import fails the build), and the npm `buffer` package stands in
 * for Node's `Buffer`, the one polyfill the client and protocol may rely on.
 * @throws the bundler's error, naming the file that imported a Node module.
 */
export async function bundleForBrowser(entry: string): Promise<BrowserBundle> {
  const result = await build({
    entryPoints: [path.join(REPO_ROOT, entry)],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    logLevel: 'silent',
    alias: { buffer: 'buffer' },
    inject: [path.join(__dirname, 'browser-buffer-shim.js')],
  });
  return { code: result.outputFiles[0]?.text ?? '', inputs: Object.keys(result.metafile.inputs) };
}
