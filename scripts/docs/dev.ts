/**
 * `npm run docs`: the docs site with live reload. Generates the pages and the workers, starts
 * `vitepress dev`, and generates again whenever a lesson or the code the workers bundle changes
 * (the client: the API reference too); VitePress then reloads the open page.
 */
import { spawn, spawnSync } from 'node:child_process';
import { watch } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, SITE_DIR } from './paths';

const GENERATE = [path.join(REPO_ROOT, 'src', 'register.js')];

/** Runs the generator in a fresh process, so changed lesson modules are loaded anew. */
function generate(withApi: boolean): boolean {
  const args = ['-r', ...GENERATE, path.join(__dirname, 'generate.ts'), '--dev', ...(withApi ? [] : ['--no-api'])];
  return spawnSync(process.execPath, args, { cwd: REPO_ROOT, stdio: 'inherit' }).status === 0;
}

/** Calls `run` once changes have been quiet for a moment (an editor saves in several writes). */
function debounced(run: () => void, ms = 200): () => void {
  let timer: NodeJS.Timeout | undefined;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
}

function main(): void {
  if (!generate(true)) process.exitCode = 1;
  const vitepress = path.join(REPO_ROOT, 'node_modules', 'vitepress', 'bin', 'vitepress.js');
  const server = spawn(process.execPath, [vitepress, 'dev', SITE_DIR, ...process.argv.slice(2)], { cwd: REPO_ROOT, stdio: 'inherit' });
  // Lessons and the code the workers bundle rebuild the pages and workers; the client, the API reference too.
  const codeChanged = debounced(() => generate(false));
  const clientChanged = debounced(() => generate(true));
  const watchers = [
    ...['lessons', 'sandbox-server', path.join('site', 'runtime')].map((dir) => watch(path.join(REPO_ROOT, dir), { recursive: true }, codeChanged)),
    watch(path.join(REPO_ROOT, 'src'), { recursive: true }, (_event, file) => (String(file).startsWith('client') ? clientChanged() : codeChanged())),
  ];
  const stop = (): void => {
    for (const watcher of watchers) watcher.close();
    server.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.on('exit', (code) => {
    for (const watcher of watchers) watcher.close();
    process.exitCode = code ?? 0;
  });
}

main();
