import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../workshop/doctor';
import { REPO_ROOT, runProgram } from '../helpers/child-process';
import { startTestClassroom } from './classroom-fixture';
import type { TestClassroom } from './classroom-fixture';

let room: TestClassroom;
beforeAll(async () => {
  room = await startTestClassroom({ learners: 1 });
});
afterAll(() => room?.dispose());

async function doctor(args: string[]): Promise<{ code: number; text: string }> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const code = await runDoctor(args, out, { ...process.env, TERM: 'xterm' });
  return { code, text };
}

describe('npm run workshop -- doctor', () => {
  it('checks Node, the install, the sandbox and the way to the classroom, code included', async () => {
    const { code, text } = await doctor(['--join', room.running.joinUrl, '--code', room.code('learner-01')]);
    expect(text).toContain(`✔ Node.js ${process.versions.node}\n`);
    expect(text).toContain('✔ npm ci has run: every dependency is installed at its locked version\n');
    expect(text).toMatch(/✔ a sandbox on loopback answers \(127\.0\.0\.1:\d+\)\n/);
    expect(text).toContain(`✔ the classroom at 127.0.0.1:${room.running.server.port} answers, and its CA matches your slip\n`);
    expect(text).toContain('✔ TLS to the classroom works (what carries your POP3 connections)\n');
    expect(text).toContain('✔ your join code is valid\n');
    expect(text.endsWith('Ready for the workshop.\n')).toBe(true);
    expect(code).toBe(0);
  });

  it('gives a fix for a wrong classroom, an unreachable one and a wrong code', async () => {
    const wrongPin = await doctor(['--join', room.running.joinUrl.replace(/ca=\w+/, 'ca=00000000000000000000')]);
    expect(wrongPin.text).toContain(`✘ the server at 127.0.0.1:${room.running.server.port} is not the classroom on your slip (its CA fingerprint differs)\n  fix: check the URL; tell the instructor\n`);
    expect(wrongPin.code).toBe(1);
    const nowhere = await doctor(['--join', 'http://127.0.0.1:9/']);
    expect(nowhere.text).toMatch(/✘ the classroom at 127\.0\.0\.1:9 cannot be reached: .*\n {2}fix: check the Wi-Fi \(the same network as the instructor\)/);
    const badCode = await doctor(['--join', room.running.joinUrl, '--code', 'ABCD-EFGH']);
    expect(badCode.text).toContain('✘ the join code was refused (401)\n  fix: check the code on your slip');
    expect(badCode.text.endsWith('1 problem to fix before the workshop.\n')).toBe(true);
  });

  it('says npm ci has not run, before any TypeScript loads, on a machine without the dependencies', async () => {
    const bare = mkdtempSync(path.join(os.tmpdir(), 'doctor-bare-'));
    try {
      mkdirSync(path.join(bare, 'workshop'));
      copyFileSync(path.join(REPO_ROOT, 'workshop', 'start.js'), path.join(bare, 'workshop', 'start.js'));
      const result = await runProgram(process.execPath, [path.join(bare, 'workshop', 'start.js'), 'doctor'], { cwd: bare });
      expect(result.code).toBe(1);
      expect(result.stderr.toString('utf8')).toBe(`✘ The dependencies are not installed (npm ci has not run in this folder).\n  fix: cd ${bare} && npm ci --omit=dev\n       (no internet? the classroom's /install page has an offline bundle)\n`);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});
