import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runProgram } from '../helpers/child-process';

// src/register.js lets Node run the TypeScript sources; file exercises load them in worker
// threads that are ended after each check.
describe('src/register.js', () => {
  it('compiles TypeScript in worker threads that end, and the process lives on', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-register-'));
    const workers = 20;
    // A file each, never seen before, so every worker compiles (nothing comes from the cache).
    for (let i = 0; i < workers; i++) writeFileSync(path.join(dir, `part-${i}.ts`), `export const part: number = ${i} + ${Date.now()};\n`);
    const program = `
      const { Worker } = require('node:worker_threads');
      (async () => {
        for (let i = 0; i < ${workers}; i++) {
          const worker = new Worker(
            'require(' + JSON.stringify(${JSON.stringify(path.join(REPO_ROOT, 'src', 'register.js'))}) + ');' +
            'const { part } = require(' + JSON.stringify(${JSON.stringify(dir)} + '/part-' + i + '.ts') + ');' +
            'require("node:worker_threads").parentPort.postMessage(part); setInterval(() => {}, 1000);',
            { eval: true },
          );
          await new Promise((resolve) => worker.once('message', resolve));
          await (i % 2 === 0 ? worker.terminate() : new Promise((resolve) => { worker.once('exit', resolve); worker.terminate(); }));
        }
        console.log('all ${workers} workers ended');
      })();
    `;
    const result = await runProgram(process.execPath, ['-e', program], { timeoutMs: 60_000 });
    expect({ code: result.code, signal: result.signal, stderr: result.stderr.toString('utf8') }).toEqual({ code: 0, signal: null, stderr: '' });
    expect(result.stdout.toString('utf8')).toContain(`all ${workers} workers ended`);
  }, 70_000);
});
