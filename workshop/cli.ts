/**
 * `npm run workshop -- serve|doctor` (started by workshop/start.js): the classroom server, and the preflight check a learner
 * (or the host) runs before the workshop. See docs/workshop.md.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PORT } from './limits';
import { DEFAULT_LESSONS_DIR, serveClassroom } from './serve';
import type { RunningClassroom } from './serve';

const USAGE = `Usage:
  npm run workshop -- serve [--roster FILE | --learners N] [options]
  npm run workshop -- doctor [--join URL]

serve: one classroom server: a private sandbox per learner, the learners' join endpoint,
the instructor dashboard, a read-only room view, and an offline install.
  --roster FILE        UTF-8 CSV with the header "name" or "name,id"
  --learners N         N numbered learners instead of a roster
  --host H             address to listen on (default 127.0.0.1; 0.0.0.0 for the room's network)
  --port P             port for everything (default ${DEFAULT_PORT}; 0 picks a free one)
  --data DIR           mail, progress, join codes and certificates (default ./workshop-data)
  --tls-name NAME      another name learners reach this machine by (repeatable)
  --idle-minutes N     idle time mid-lesson before a learner shows as stuck (default 5)
  --per-address-cap N  simultaneous connections from one address (default 8x the roster, at least 64)
  --no-install         do not prepare the offline install (/install)
  --lessons DIR        lessons folder (default: the playground's lessons/)

doctor: checks this machine for the workshop (Node version, npm ci, ports, terminal, and with
--join the classroom), with a fix for each problem.
`;

async function serve(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      roster: { type: 'string' },
      learners: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: String(DEFAULT_PORT) },
      data: { type: 'string', default: 'workshop-data' },
      'tls-name': { type: 'string', multiple: true, default: [] },
      'idle-minutes': { type: 'string' },
      'per-address-cap': { type: 'string' },
      'no-install': { type: 'boolean', default: false },
      lessons: { type: 'string' },
    },
    strict: true,
  });
  const whole = (name: string, text: string | undefined, min: number): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min) throw new Error(`--${name} wants a whole number of at least ${min}, got ${JSON.stringify(text)}`);
    return n;
  };
  const port = whole('port', values.port, 0)!;
  if (port > 65535) throw new Error(`--port wants a port from 0 to 65535, got ${port}`);
  let running: RunningClassroom;
  try {
    running = await serveClassroom(
      {
        ...(values.roster !== undefined ? { roster: values.roster } : {}),
        ...(values.learners !== undefined ? { learners: whole('learners', values.learners, 1)! } : {}),
        host: values.host ?? '127.0.0.1',
        port,
        data: path.resolve(values.data ?? 'workshop-data'),
        tlsNames: values['tls-name'] ?? [],
        ...(values['idle-minutes'] !== undefined ? { idleMinutes: whole('idle-minutes', values['idle-minutes'], 1)! } : {}),
        ...(values['per-address-cap'] !== undefined ? { perAddressCap: whole('per-address-cap', values['per-address-cap'], 1)! } : {}),
        lessonsDir: path.resolve(values.lessons ?? DEFAULT_LESSONS_DIR),
        ...(values['no-install'] ? {} : { install: true }),
      },
      (line) => process.stdout.write(`${line}\n`),
    );
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  process.stdout.write('Stopping: sessions end without UPDATE (RFC 1939 §6); mail and progress are on disk.\n');
  await running.close();
  return 0;
}

/** Runs the workshop CLI; resolves with the exit code. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const [command, ...rest] = argv.filter((arg, i) => !(i === 0 && arg === '--'));
  try {
    if (command === 'serve') return await serve(rest);
    if (command === 'doctor') return await (await import('./doctor')).runDoctor(rest);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  process.stderr.write(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
  return 2;
}

