/**
 * Profiles our client on a benchmark workload: `npm run bench -- profile-client [sweep|big]`.
 * Starts the sandbox in its own process with the generated mail, runs bench/client-driver.ts
 * with V8's CPU profiler on over the RETRs (and the sandbox's on from READY), prints the
 * functions and files with the most self time, and keeps both .cpuprofile files in
 * bench/results/ for Chrome DevTools (Performance > Load profile).
 *
 *   sweep   RETR of 2,000 messages of 50 KB, one after another (default)
 *   big     RETR of one 20 MiB message
 */
import { copyFileSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { summarizeCpuProfile } from './lib/cpu-profile';
import { MIB, createFixtureDir, makeMessage, makeMessages, writeEmlDirs, type BenchAccount } from './lib/mail-fixtures';
import { runChild } from './lib/programs';
import { formatNumber } from './lib/report';
import { megabytesPerSecond } from './lib/stats';
import { REPO_ROOT, startSandboxProcess } from './lib/targets';

/** Copies the one .cpuprofile in `dir` to bench/results/ and returns its new path. */
function keepProfile(dir: string, name: string): string {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`node wrote no .cpuprofile in ${dir}`);
  mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
  const kept = join(REPO_ROOT, 'bench', 'results', `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
  copyFileSync(join(dir, file), kept);
  return kept;
}

/**
 * Prints the functions and files with the most self time. The client is profiled over its
 * RETRs, the sandbox from READY to exit; "(idle)" is time spent waiting for the peer.
 */
function printProfile(who: string, file: string): void {
  const summary = summarizeCpuProfile(file, REPO_ROOT, 25);
  process.stdout.write(`\nprofile-client: ${who}: self time by function (${formatNumber(summary.totalMs)} ms sampled)\n`);
  for (const f of summary.functions) {
    process.stdout.write(`  ${f.selfPercent.toFixed(1).padStart(5)}%  ${formatNumber(f.selfMs).padStart(8)} ms  ${f.name}  ${f.location}\n`);
  }
  process.stdout.write(`\nprofile-client: ${who}: self time by file\n`);
  for (const f of summary.files.slice(0, 15)) {
    process.stdout.write(`  ${f.selfPercent.toFixed(1).padStart(5)}%  ${formatNumber(f.selfMs).padStart(8)} ms  ${f.file}\n`);
  }
  process.stdout.write(`profile-client: ${who}: profile kept at ${file}\n`);
}

async function main(): Promise<void> {
  const workload = process.argv[2] ?? 'sweep';
  if (workload !== 'sweep' && workload !== 'big') throw new Error(`unknown workload ${workload}; use sweep or big`);
  const fixtures = createFixtureDir('profile');
  const account: BenchAccount =
    workload === 'sweep'
      ? { name: 'bulkmail', password: 'bulk-pass', messages: makeMessages(2_000, 50_000, 'Fifty kilobytes') }
      : { name: 'bigmail', password: 'big-pass', messages: [makeMessage(20 * MIB, 1, 'Twenty mebibytes')] };
  writeEmlDirs(fixtures.path, [account]);
  const profileDir = join(fixtures.path, 'profile');
  mkdirSync(profileDir);
  // The sandbox is profiled too (after loading the mail): in a request-response sweep the
  // client waits on the server.
  const serverProfile = join(fixtures.path, 'sandbox.cpuprofile');
  const sandbox = await startSandboxProcess([account], fixtures.path, { profileFile: serverProfile });
  let closed = false;
  try {
    const { stdout } = await runChild(process.execPath, [
      '-r',
      './src/register.js',
      join('bench', 'client-driver.ts'),
      'sweep',
      sandbox.host,
      String(sandbox.port),
      account.name,
      account.password,
      '--profile',
      join(profileDir, 'client.cpuprofile'),
    ]);
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { seconds: number; bytes: number };
    process.stdout.write(`profile-client: ${workload}: ${formatNumber(megabytesPerSecond(result.bytes, result.seconds))} MB/s under the profiler (${result.seconds.toFixed(2)} s)\n`);
    printProfile('client', keepProfile(profileDir, `profile-client-${workload}`));
    await sandbox.close();
    closed = true;
    const sandboxDir = join(fixtures.path, 'sandbox-profile');
    mkdirSync(sandboxDir);
    renameSync(serverProfile, join(sandboxDir, 'sandbox.cpuprofile'));
    printProfile('sandbox', keepProfile(sandboxDir, `profile-sandbox-${workload}`));
  } finally {
    if (!closed) await sandbox.close();
    fixtures.remove();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`profile-client: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
