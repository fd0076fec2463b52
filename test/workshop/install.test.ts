import { execFile } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/child-process';
import { startTestClassroom } from './classroom-fixture';
import type { TestClassroom } from './classroom-fixture';
import { call } from './http';

const run = promisify(execFile);
const dirs: string[] = [];
let room: TestClassroom | undefined;
afterAll(async () => {
  await room?.dispose();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A small project shaped like the playground: one locked dependency, installed, with a program that uses it. */
function fixtureProject(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'install-fixture-'));
  dirs.push(root);
  const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'fixture', version: '1.0.0', private: true, dependencies: { 'csv-stringify': '6.9.0' } }));
  writeFileSync(
    path.join(root, 'package-lock.json'),
    JSON.stringify({ name: 'fixture', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'fixture', version: '1.0.0', dependencies: { 'csv-stringify': '6.9.0' } }, 'node_modules/csv-stringify': lock.packages['node_modules/csv-stringify'] } }),
  );
  writeFileSync(path.join(root, 'main.js'), "process.stdout.write(require('csv-stringify/sync').stringify([['ok', 'offline']]));\n");
  mkdirSync(path.join(root, 'node_modules'));
  cpSync(path.join(REPO_ROOT, 'node_modules', 'csv-stringify'), path.join(root, 'node_modules', 'csv-stringify'), { recursive: true });
  return root;
}

function download(url: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      if (res.statusCode !== 200) reject(new Error(`${url}: ${res.statusCode ?? 0}`));
      res.pipe(createWriteStream(file)).on('finish', () => resolve());
    }).on('error', reject);
  });
}

it('serves the project with an npm cache of its locked dependencies, which installs with no network', async () => {
  const root = fixtureProject();
  room = await startTestClassroom({ learners: 1, install: { root } });
  const waiting = await call(room.base, '/install');
  expect(waiting.text).toMatch(/being prepared|curl -fO/);
  await expect.poll(async () => (await call(room!.base, '/install')).text, { timeout: 30_000, interval: 200 }).toContain('curl -fO');
  const page = (await call(room.base, '/install')).text;
  const url = `${room.base}/install/pop3-playground-offline.tgz`;
  expect(page).toContain(`<pre>curl -fO ${url}\ntar -xzf pop3-playground-offline.tgz &amp;&amp; cd pop3-playground &amp;&amp; npm ci --omit=dev --offline --cache ./npm-cache</pre>`);
  // A learner's machine: download, unpack, install offline, run.
  const learner = mkdtempSync(path.join(os.tmpdir(), 'install-learner-'));
  dirs.push(learner);
  await download(url, path.join(learner, 'pop3-playground-offline.tgz'));
  await run('tar', ['-xzf', 'pop3-playground-offline.tgz'], { cwd: learner });
  const project = path.join(learner, 'pop3-playground');
  expect(existsSync(path.join(project, 'node_modules'))).toBe(false);
  await run('npm', ['ci', '--omit=dev', '--offline', '--cache', './npm-cache', '--no-audit', '--no-fund'], { cwd: project });
  expect((await run(process.execPath, ['main.js'], { cwd: project })).stdout).toBe('ok,offline\n');
  // A restart reuses the bundle instead of making it again.
  room = await room.restart();
  expect((await call(room.base, '/install')).text).toContain('curl -fO');
}, 60_000);
