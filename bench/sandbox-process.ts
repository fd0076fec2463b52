/**
 * Runs the sandbox alone in this process for the benchmarks, so that the drivers and the
 * server do not share an event loop. Usage: sandbox-process.ts <spec.json>, where the spec is
 * `{ "users": [{ "name", "password", "emlDir" }] }`. Prints one line `READY {"host","port"}`
 * once listening, and exits when stdin closes or on SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { startSandbox } from '../sandbox-server';

interface SandboxSpec {
  users: { name: string; password: string; emlDir?: string }[];
  maxConnections?: number;
}

async function main(): Promise<void> {
  const specPath = process.argv[2];
  if (!specPath) throw new Error('usage: sandbox-process.ts <spec.json>');
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as SandboxSpec;
  const sandbox = await startSandbox({
    host: '127.0.0.1',
    port: 0,
    tlsPort: false,
    users: spec.users,
    ...(spec.maxConnections !== undefined ? { maxConnections: spec.maxConnections } : {}),
  });
  let closing = false;
  const close = (): void => {
    if (closing) return;
    closing = true;
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
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
