/**
 * Runs the sandbox alone in this process for the benchmarks, so that the drivers and the
 * server do not share an event loop. Usage: sandbox-process.ts <spec.json>, where the spec is
 * `{ "users": [{ "name", "password", "emlDir" }] }`. Prints one line `READY {"host","port"}`
 * once listening, and exits when stdin closes or on SIGTERM.
 *
 * With `--profile FILE` the CPU profiler runs from READY until exit (the workload only, not
 * the loading of the mail) and the profile is written to FILE.
 */
import { readFileSync } from 'node:fs';
import { startSandbox } from '../sandbox-server';
import { startCpuProfile } from './lib/inspector-profile';

interface SandboxSpec {
  users: { name: string; password: string; emlDir?: string }[];
  maxConnections?: number;
}

async function main(): Promise<void> {
  const [specPath, flag, profileFile] = process.argv.slice(2);
  if (!specPath || (flag !== undefined && (flag !== '--profile' || !profileFile))) {
    throw new Error('usage: sandbox-process.ts <spec.json> [--profile FILE]');
  }
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as SandboxSpec;
  const sandbox = await startSandbox({
    host: '127.0.0.1',
    port: 0,
    tlsPort: false,
    users: spec.users,
    ...(spec.maxConnections !== undefined ? { maxConnections: spec.maxConnections } : {}),
  });
  const profiler = profileFile ? await startCpuProfile(profileFile) : undefined;
  let closing = false;
  const close = (): void => {
    if (closing) return;
    closing = true;
    (async () => {
      await profiler?.stop();
      await sandbox.close();
    })().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`sandbox-process: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', close);
  process.stdin.on('end', close);
  process.stdin.on('error', close);
  process.stdin.resume();
  process.stdout.write(`READY ${JSON.stringify({ host: sandbox.host, port: sandbox.port, pid: process.pid })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox-process: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
